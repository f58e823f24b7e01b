"""Fund managers decide change requests."""

from django.db import migrations

from localdigital.accounts.group_permissions import grant_to_groups


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0007_change_requests"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_to_groups(
            "funding",
            {"Fund manager": ["view_changerequest", "change_changerequest"]},
        ),
    ]
