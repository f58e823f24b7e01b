"""Newsletter test groups: named lists of people an issue is sent to, as a test, before it
goes to every subscriber. Communications staff keep them."""

import django.contrib.postgres.fields
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from localdigital.accounts.group_permissions import grant_to_groups


class Migration(migrations.Migration):
    dependencies = [
        ("declaration", "0009_alter_signing_possible_duplicate"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NewsletterTestGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(help_text="For example, Comms team.", max_length=100)),
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
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("name"),
                        name="declaration_newslettertestgroup_name_ci_unique",
                        violation_error_message="There is already a test group with this name.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("recipients__len__gt", 0)),
                        name="declaration_newslettertestgroup_has_recipients",
                        violation_error_message="A test group needs at least one email address.",
                    ),
                ],
            },
        ),
        grant_to_groups(
            "declaration",
            {
                "Communications": [
                    "view_newslettertestgroup",
                    "add_newslettertestgroup",
                    "change_newslettertestgroup",
                    "delete_newslettertestgroup",
                ],
            },
        ),
    ]
