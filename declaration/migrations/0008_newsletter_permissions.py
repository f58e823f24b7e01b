"""Communications staff write and send newsletter issues, and see who subscribes."""

from django.db import migrations

from localdigital.accounts.group_permissions import grant_to_groups


class Migration(migrations.Migration):
    dependencies = [
        ("declaration", "0007_newsletter"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_to_groups(
            "declaration",
            {
                "Communications": [
                    "view_newsletterissue",
                    "add_newsletterissue",
                    "change_newsletterissue",
                    "view_subscriber",
                ],
            },
        ),
    ]
