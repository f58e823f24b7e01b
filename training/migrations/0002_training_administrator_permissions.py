"""Training administrators run courses and cohorts, enrol and move people by hand, record
attendance and see people's accessibility and dietary needs (``view_enrolment_needs``)."""

from django.db import migrations

from localdigital.accounts.group_permissions import grant_to_groups


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_to_groups(
            "training",
            {
                "Training administrator": [
                    "view_course",
                    "add_course",
                    "change_course",
                    "view_cohort",
                    "add_cohort",
                    "change_cohort",
                    "view_cohortsession",
                    "add_cohortsession",
                    "change_cohortsession",
                    "delete_cohortsession",
                    "view_enrolment",
                    "add_enrolment",
                    "change_enrolment",
                    "view_enrolment_needs",
                    "view_offer",
                    "view_attendance",
                    "add_attendance",
                    "change_attendance",
                    "view_enrolmentreminder",
                    "view_sessionchange",
                    "view_sessionchangenotice",
                ],
            },
        ),
    ]
