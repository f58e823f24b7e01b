"""Fund managers configure funds and rounds, and work on expressions of interest and
applications. Assessors get their permissions with assessment, in a later migration."""

from django.db import migrations

from localdigital.accounts.group_permissions import grant_to_groups


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_to_groups(
            "funding",
            {
                "Fund manager": [
                    "view_fund",
                    "add_fund",
                    "change_fund",
                    "view_round",
                    "add_round",
                    "change_round",
                    "view_phasecap",
                    "add_phasecap",
                    "change_phasecap",
                    "delete_phasecap",
                    "view_criterion",
                    "add_criterion",
                    "change_criterion",
                    "delete_criterion",
                    "view_roundquestion",
                    "add_roundquestion",
                    "change_roundquestion",
                    "delete_roundquestion",
                    "view_expressionofinterest",
                    "change_expressionofinterest",
                    "view_eoicluster",
                    "add_eoicluster",
                    "change_eoicluster",
                    "view_clustermessage",
                    "view_application",
                    "view_deadlinereminder",
                ],
            },
        ),
    ]
