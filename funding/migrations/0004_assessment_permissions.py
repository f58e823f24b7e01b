"""Fund managers run assessment, decisions and awards; assessors see the applications they
are assigned, and their own assessments (the admin narrows both to theirs)."""

from django.db import migrations

from localdigital.accounts.group_permissions import grant_to_groups


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0003_assessment_decisions_awards"),
        ("funding", "0002_fund_manager_permissions"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_to_groups(
            "funding",
            {
                "Fund manager": [
                    "view_assessment",
                    "add_assessment",
                    "change_assessment",
                    "view_criterionscore",
                    "view_moderatedscore",
                    "add_moderatedscore",
                    "change_moderatedscore",
                    "view_decision",
                    "add_decision",
                    "change_decision",
                    "view_award",
                    "change_award",
                    "view_instalment",
                    "add_instalment",
                    "change_instalment",
                    "delete_instalment",
                    "view_progressupdate",
                    "view_projectoutput",
                ],
                "Assessor": [
                    "view_application",
                    "view_assessment",
                    "change_assessment",
                ],
            },
        ),
    ]
