"""Access to moderating signings and the Declaration's versions in the admin.

The Declaration's page (``declaration:declaration``) is in the foundation's table.

Fund managers moderate signings (view them, change them through actions, import them) and
write and publish versions, as migration 0006 grants; superusers may do everything but
delete, which nobody may.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.access.roles import FUND_MANAGER, SUPERUSER, staff_only
from tests.declaration.factories import DeclarationVersionFactory, SigningFactory

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    # A button on an object's page runs a list action by POST alone (who may is the
    # action's permission, tested with the action): a GET is refused before anything else.
    "admin:declaration_signing_object_action": (
        {"object_id": "1", "action": "publish_selected"},
        staff_only(405, council=302),
    ),
    # The import of signatories is part of moderating signings: Fund managers and superusers.
    "admin:declaration_signing_import": (
        {},
        {**staff_only(403, council=302), FUND_MANAGER: 200, SUPERUSER: 200},
    ),
}

ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = {
    # Signings come from signers and imports, never the add page, and are never deleted.
    "declaration.signing": {"view": {FUND_MANAGER, SUPERUSER}, "add": set(), "delete": set()},
    "declaration.declarationversion": {
        "view": {FUND_MANAGER, SUPERUSER},
        "add": {FUND_MANAGER, SUPERUSER},
        "delete": set(),
    },
}

ADMIN_MODEL_OBJECTS: dict[str, Callable[[], object]] = {
    "declaration.signing": lambda: SigningFactory.create(submitted=True),
    "declaration.declarationversion": lambda: DeclarationVersionFactory.create(
        number=2, draft=True
    ),
}
