"""Mark emails that hold a secret, and remove the secrets of those already sent.

Sign-in emails queued before this migration are marked sensitive (their idempotency keys start
``accounts.sign-in.``); the bodies of those already sent are replaced, as the outbox now does
for every sensitive email it sends. Queued and failed ones keep their bodies, to be sent.
"""

from django.db import migrations, models

SIGN_IN_KEY_PREFIX = "accounts.sign-in."
SENSITIVE_BODY_REMOVED = "Removed after sending because it contained a secret."


def mark_sign_in_emails_sensitive(apps, schema_editor):
    OutgoingEmail = apps.get_model("mail", "OutgoingEmail")
    sign_in_emails = OutgoingEmail.objects.filter(idempotency_key__startswith=SIGN_IN_KEY_PREFIX)
    sign_in_emails.update(is_sensitive=True)
    sent = sign_in_emails.filter(status="sent")
    sent.exclude(body_html="").update(body_html=SENSITIVE_BODY_REMOVED)
    sent.update(body_text=SENSITIVE_BODY_REMOVED)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_staff_group_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingemail",
            name="is_sensitive",
            field=models.BooleanField(
                default=False,
                help_text="It contains a sign-in link or other secret: its body is never shown, and is removed once it is sent.",
                verbose_name="sensitive",
            ),
        ),
        migrations.RunPython(mark_sign_in_emails_sensitive, migrations.RunPython.noop),
    ]
