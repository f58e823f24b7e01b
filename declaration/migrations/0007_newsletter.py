"""The newsletter: subscribers, issues, and each issue's delivery to each subscriber."""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("declaration", "0006_first_version_and_permissions"),
        # Only the outbox's table is needed; a later outbox migration need not come first.
        ("mail", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NewsletterIssue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("subject", models.CharField(max_length=200)),
                (
                    "body",
                    models.TextField(help_text="Markdown: ## for a heading, - for a list item."),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("scheduled", "Scheduled"),
                            ("sending", "Sending"),
                            ("paused", "Paused"),
                            ("cancelled", "Cancelled"),
                            ("sent", "Sent"),
                        ],
                        db_index=True,
                        default="draft",
                        max_length=10,
                    ),
                ),
                ("scheduled_for", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
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
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="Subscriber",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                "ordering": ["email"],
            },
        ),
        migrations.CreateModel(
            name="NewsletterDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                        to="declaration.newsletterissue",
                    ),
                ),
                (
                    "subscriber",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="declaration.subscriber",
                    ),
                ),
            ],
            options={
                "verbose_name": "newsletter delivery",
                "verbose_name_plural": "newsletter deliveries",
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
    ]
