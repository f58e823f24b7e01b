"""Let the Communications group see the outbox and run the suppression list, and fund managers
see the outbox."""

from django.db import migrations

from localdigital.accounts.group_permissions import grant_to_groups


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
        ("accounts", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_to_groups(
            "mail",
            {
                "Communications": [
                    "view_outgoingemail",
                    "add_suppression",
                    "change_suppression",
                    "delete_suppression",
                    "view_suppression",
                ],
                "Fund manager": ["view_outgoingemail"],
            },
        )
    ]
