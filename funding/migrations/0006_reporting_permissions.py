"""Fund managers review progress reports, keep each project's milestones, and see the
versions of reports and the reminders sent about them."""

from django.db import migrations

from localdigital.accounts.group_permissions import grant_to_groups


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0005_reporting"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_to_groups(
            "funding",
            {
                "Fund manager": [
                    "view_progressreport",
                    "change_progressreport",
                    "view_reportversion",
                    "view_reportreminder",
                    "view_projectmilestone",
                    "add_projectmilestone",
                    "change_projectmilestone",
                    "delete_projectmilestone",
                ],
            },
        ),
    ]
