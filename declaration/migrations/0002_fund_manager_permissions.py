"""Let fund managers see, add and change organisations and their members."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Fund manager": [
        "view_organisation",
        "add_organisation",
        "change_organisation",
        "view_membership",
        "add_membership",
        "change_membership",
    ]
}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations have run; make them now so that
    # they can be granted on a new database too.
    app_config = apps.get_app_config("declaration")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        Group.objects.get(name=group_name).permissions.add(
            *Permission.objects.filter(
                content_type__app_label="declaration", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=group_name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="declaration", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("declaration", "0001_initial"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
