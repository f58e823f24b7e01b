"""The newsletter's models, taken over from the declaration app with their tables and rows.

``declaration``'s 0012 forgets the models and this migration learns them, both without touching
the database: each table keeps its name through ``db_table``, so nothing is copied, renamed or
locked on deployment. The models' content types move to this app, which keeps every permission,
and so every staff group's grant of it, as it was.
"""

from typing import Any

import django.contrib.postgres.fields
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["subscriber", "newsletterissue", "newslettertestgroup", "newsletterdelivery"]


def move_content_types(from_app: str, to_app: str) -> Any:
    """Return a function that moves the newsletter models' content types between apps."""

    def move(apps: Any, schema_editor: Any) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        taken = set(
            content_type.objects.filter(app_label=to_app, model__in=MODELS).values_list(
                "model", flat=True
            )
        )
        content_type.objects.filter(app_label=from_app, model__in=MODELS).exclude(
            model__in=taken
        ).update(app_label=to_app)
        content_type.objects.clear_cache()

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("declaration", "0012_newsletter_moves_to_its_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("mail", "0005_newsletter_claimed_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="NewsletterIssue",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("subject", models.CharField(max_length=200)),
                        (
                            "body",
                            models.TextField(
                                help_text="Markdown: ## for a heading, - for a list item."
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
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
                        ("scheduled_for", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "approval_requested_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="approval asked for at"
                            ),
                        ),
                        ("approved_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "approved_content_hash",
                            models.CharField(
                                blank=True,
                                help_text="The SHA-256 of the subject and body approved; sending checks it still is.",
                                max_length=64,
                            ),
                        ),
                        ("returned_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "return_comment",
                            models.TextField(
                                blank=True,
                                help_text="What the member of staff who returned it asked to change.",
                            ),
                        ),
                        ("scheduled_at", models.DateTimeField(blank=True, null=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("paused_at", models.DateTimeField(blank=True, null=True)),
                        ("resumed_at", models.DateTimeField(blank=True, null=True)),
                        ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("recipient_count", models.PositiveIntegerField(default=0)),
                        ("fanout_cursor", models.BigIntegerField(default=0)),
                        ("fanout_progressed_at", models.DateTimeField(blank=True, null=True)),
                        ("fanout_completed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "approval_requested_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="approval asked for by",
                            ),
                        ),
                        (
                            "approved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "cancelled_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "edited_by",
                            models.ForeignKey(
                                blank=True,
                                help_text="Who wrote or last changed the subject or body.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="last changed by",
                            ),
                        ),
                        (
                            "paused_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "resumed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "returned_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "scheduled_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "started_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "newsletter issue",
                        "db_table": "declaration_newsletterissue",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="NewsletterTestGroup",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(help_text="For example, Comms team.", max_length=100),
                        ),
                        (
                            "recipients",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.EmailField(max_length=254),
                                help_text="The email addresses a test goes to.",
                                size=None,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "newsletter test group",
                        "db_table": "declaration_newslettertestgroup",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Subscriber",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("email", models.EmailField(max_length=254)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Waiting for confirmation"),
                                    ("confirmed", "Confirmed"),
                                    ("unsubscribed", "Unsubscribed"),
                                ],
                                db_index=True,
                                default="pending",
                                max_length=12,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("subscribed_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                        ("unsubscribed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "organisation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="newsletter_subscribers",
                                to="declaration.organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "newsletter subscriber",
                        "db_table": "declaration_subscriber",
                        "ordering": ["email"],
                    },
                ),
                migrations.CreateModel(
                    name="NewsletterDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "is_skipped",
                            models.BooleanField(
                                default=False,
                                help_text="Not sent: the address is on the suppression list.",
                                verbose_name="skipped",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "email",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="newsletter_delivery",
                                to="mail.outgoingemail",
                            ),
                        ),
                        (
                            "issue",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="deliveries",
                                to="newsletter.newsletterissue",
                            ),
                        ),
                        (
                            "subscriber",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="newsletter.subscriber",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "newsletter delivery",
                        "verbose_name_plural": "newsletter deliveries",
                        "db_table": "declaration_newsletterdelivery",
                    },
                ),
                migrations.AddConstraint(
                    model_name="newsletterissue",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "scheduled"), _negated=True),
                            ("scheduled_for__isnull", False),
                            _connector="OR",
                        ),
                        name="declaration_newsletterissue_scheduled_has_time",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="newsletterissue",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status__in", ["sending", "paused", "sent"]), _negated=True),
                            ("started_at__isnull", False),
                            _connector="OR",
                        ),
                        name="declaration_newsletterissue_started_has_started_at",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="newsletterissue",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "cancelled"), _negated=True),
                            ("cancelled_at__isnull", False),
                            _connector="OR",
                        ),
                        name="declaration_newsletterissue_cancelled_has_cancelled_at",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="newsletterissue",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "sent"), _negated=True),
                            ("sent_at__isnull", False),
                            _connector="OR",
                        ),
                        name="declaration_newsletterissue_sent_has_sent_at",
                    ),
                ),
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
                            models.Q(
                                ("approved_by", models.F("approval_requested_by")), _negated=True
                            ),
                        ),
                        name="declaration_newsletterissue_approved_by_another",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="newslettertestgroup",
                    constraint=models.UniqueConstraint(
                        django.db.models.functions.text.Lower("name"),
                        name="declaration_newslettertestgroup_name_ci_unique",
                        violation_error_message="There is already a test group with this name.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="newslettertestgroup",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("recipients__len__gt", 0)),
                        name="declaration_newslettertestgroup_has_recipients",
                        violation_error_message="A test group needs at least one email address.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="subscriber",
                    constraint=models.UniqueConstraint(
                        django.db.models.functions.text.Lower("email"),
                        name="declaration_subscriber_email_ci_unique",
                        violation_error_message="This address has already subscribed.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="subscriber",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "confirmed"), _negated=True),
                            ("confirmed_at__isnull", False),
                            _connector="OR",
                        ),
                        name="declaration_subscriber_confirmed_has_confirmed_at",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="subscriber",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "unsubscribed"), _negated=True),
                            ("unsubscribed_at__isnull", False),
                            _connector="OR",
                        ),
                        name="declaration_subscriber_unsubscribed_has_unsubscribed_at",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="newsletterdelivery",
                    constraint=models.UniqueConstraint(
                        fields=("issue", "subscriber"), name="declaration_newsletter_delivery_once"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(
                    move_content_types("declaration", "newsletter"),
                    move_content_types("newsletter", "declaration"),
                ),
            ],
        ),
    ]
