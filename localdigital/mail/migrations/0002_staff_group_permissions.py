"""Let the Communications group see the outbox and run the suppression list, and fund managers
see the outbox."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Communications": [
        "view_outgoingemail",
        "add_suppression",
        "change_suppression",
        "delete_suppression",
        "view_suppression",
    ],
    "Fund manager": ["view_outgoingemail"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after every migration has run; create the outbox's now.
    mail_config = apps.get_app_config("mail")
    mail_config.models_module = True
    create_permissions(mail_config, apps=apps, verbosity=0)
    mail_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.get(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="mail", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="mail", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
        ("accounts", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
