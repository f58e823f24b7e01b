"""The access table, merged from its parts: each ``tests/access/table_*.py`` module holds part
of it (see ``test_access.py``), and this module gathers them, with what the table's rows need:
the objects their URLs name, and their content types by natural key."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType

import tests.access


def table_modules() -> list[Any]:
    """Return the modules that hold parts of the table."""
    return [
        importlib.import_module(f"tests.access.{module_info.name}")
        for module_info in pkgutil.iter_modules(tests.access.__path__)
        if module_info.name.startswith("table_")
    ]


def _merged(name: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for module in table_modules():
        part = getattr(module, name, {})
        overlap = set(merged) & set(part)
        assert not overlap, f"{module.__name__} repeats {name} entries: {sorted(overlap)}"
        merged.update(part)
    return merged


URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = _merged("URL_ACCESS")
ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = _merged("ADMIN_MODEL_ACCESS")
ADMIN_MODEL_OBJECTS: dict[str, Callable[[], Any]] = _merged("ADMIN_MODEL_OBJECTS")


def table_objects_make() -> None:
    """Create the objects that the table's URLs name (each part's ``setup()``)."""
    for module in table_modules():
        if hasattr(module, "setup"):
            module.setup()


def resolve_kwargs(kwargs: dict[str, object]) -> dict[str, object]:
    """Turn a content type given as ``app_label.model`` into its id."""
    if "content_type_id" in kwargs:
        app_label, model = str(kwargs["content_type_id"]).split(".")
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        return {**kwargs, "content_type_id": str(content_type.pk)}
    return kwargs
