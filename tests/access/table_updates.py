"""Access to declaration project updates in the admin.

Members post updates from their account (``declaration:update-new``, in the public table).
In the admin, Fund managers see every update and remove one through the "Remove selected
updates" action, which needs the change permission, as migration 0006 grants them
(view_projectupdate and change_projectupdate); superusers may too. Nobody adds or deletes
an update there: removing, with a reason, is the only way an update goes.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.access.roles import FUND_MANAGER, SUPERUSER
from tests.declaration.factories import ProjectUpdateFactory

ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = {
    "declaration.projectupdate": {
        "view": {FUND_MANAGER, SUPERUSER},
        "add": set(),
        "delete": set(),
    },
}

ADMIN_MODEL_OBJECTS: dict[str, Callable[[], object]] = {
    "declaration.projectupdate": lambda: ProjectUpdateFactory.create(),
}
