"""A newsletter issue needs a second person's approval before it goes to every subscriber.

Issues already written were last changed by whoever wrote them. An issue already scheduled
when approval came in was chosen for its time by a member of staff, so it keeps its place:
its schedule stands as the approval of its content then, by nobody named.
"""

import hashlib
import json

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _content_hash(subject, body):
    # A copy of declaration.models.issue_content_hash, as migrations must not change when
    # code does.
    content = json.dumps([subject, body], ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


def record_editors_and_scheduled_approvals(apps, schema_editor):
    NewsletterIssue = apps.get_model("declaration", "NewsletterIssue")
    NewsletterIssue.objects.filter(edited_by__isnull=True).update(edited_by=models.F("created_by"))
    for issue in NewsletterIssue.objects.filter(status="scheduled"):
        issue.approved_at = issue.scheduled_at or issue.created_at
        issue.approved_content_hash = _content_hash(issue.subject, issue.body)
        issue.save(update_fields=["approved_at", "approved_content_hash"])
    # The foreign keys just set are checked at commit: check them now, since Postgres
    # alters no table (the constraints that follow) with such checks pending.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("declaration", "0010_newsletter_test_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="newsletterissue",
            name="approval_requested_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="approval asked for at"),
        ),
        migrations.AddField(
            model_name="newsletterissue",
            name="approval_requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="approval asked for by",
            ),
        ),
        migrations.AddField(
            model_name="newsletterissue",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="newsletterissue",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="newsletterissue",
            name="approved_content_hash",
            field=models.CharField(
                blank=True,
                help_text="The SHA-256 of the subject and body approved; sending checks it still is.",
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="newsletterissue",
            name="edited_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Who wrote or last changed the subject or body.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="last changed by",
            ),
        ),
        migrations.AddField(
            model_name="newsletterissue",
            name="return_comment",
            field=models.TextField(
                blank=True, help_text="What the member of staff who returned it asked to change."
            ),
        ),
        migrations.AddField(
            model_name="newsletterissue",
            name="returned_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="newsletterissue",
            name="returned_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="newsletterissue",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("awaiting_approval", "Waiting for approval"),
                    ("approved", "Approved"),
                    ("scheduled", "Scheduled"),
                    ("sending", "Sending"),
                    ("paused", "Paused"),
                    ("cancelled", "Cancelled"),
                    ("sent", "Sent"),
                ],
                db_index=True,
                default="draft",
                max_length=20,
            ),
        ),
        migrations.RunPython(record_editors_and_scheduled_approvals, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="newsletterissue",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "awaiting_approval"), _negated=True),
                    ("approval_requested_at__isnull", False),
                    _connector="OR",
                ),
                name="declaration_newsletterissue_awaiting_has_requested_at",
            ),
        ),
        migrations.AddConstraint(
            model_name="newsletterissue",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["approved", "scheduled"]), _negated=True),
                    models.Q(
                        ("approved_at__isnull", False),
                        models.Q(("approved_content_hash", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="declaration_newsletterissue_approved_has_approval",
            ),
        ),
        migrations.AddConstraint(
            model_name="newsletterissue",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("approved_by", models.F("edited_by")), _negated=True),
                    models.Q(("approved_by", models.F("approval_requested_by")), _negated=True),
                ),
                name="declaration_newsletterissue_approved_by_another",
            ),
        ),
    ]
