"""Granting an app's model permissions to the staff groups, from that app's migrations.

Each domain grants its own models' permissions to the groups that
``accounts/migrations/0002_staff_groups.py`` creates, in a migration such as::

    operations = [grant_to_groups("audit", {"Fund manager": ["view_auditevent"]})]

The migration must depend on the app's migration that creates the models, and on
``("accounts", "0002_staff_groups")``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_to_groups(app_label: str, grants: dict[str, list[str]]) -> migrations.RunPython:
    """Return an operation that gives each group the named permissions of ``app_label``.

    Reversing the migration takes them away again.
    """

    def permissions(apps: Any, codenames: list[str]) -> Any:
        return apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )

    def grant(apps: Any, schema_editor: Any) -> None:
        # Django makes permissions after all migrations have run; make this app's now, so
        # that they can be granted on a new database too.
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
        Group = apps.get_model("auth", "Group")
        for group_name, codenames in grants.items():
            Group.objects.get(name=group_name).permissions.add(*permissions(apps, codenames))

    def revoke(apps: Any, schema_editor: Any) -> None:
        Group = apps.get_model("auth", "Group")
        for group_name, codenames in grants.items():
            for group in Group.objects.filter(name=group_name):
                group.permissions.remove(*permissions(apps, codenames))

    return migrations.RunPython(grant, revoke)
