"""Let fund managers read the audit log."""

from django.db import migrations

from localdigital.accounts.group_permissions import grant_to_groups


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [grant_to_groups("audit", {"Fund manager": ["view_auditevent"]})]
