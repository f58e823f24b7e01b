"""Let fund managers see, add and change organisations and their members."""

from django.db import migrations

from localdigital.accounts.group_permissions import grant_to_groups


class Migration(migrations.Migration):
    dependencies = [
        ("declaration", "0001_initial"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_to_groups(
            "declaration",
            {
                "Fund manager": [
                    "view_organisation",
                    "add_organisation",
                    "change_organisation",
                    "view_membership",
                    "add_membership",
                    "change_membership",
                ]
            },
        )
    ]
