"""The import contracts that ``make lint`` checks (``lint-imports``, configured in
pyproject.toml) cover the whole platform, and every app's services and selectors.

The contract that the platform imports no domain lists its modules by name, so a module
added to ``localdigital`` is checked only once it is listed: this fails until it is, or until
it is named below as composition or an entry point.
"""

from __future__ import annotations

import ast
import tomllib

from tests.support.deployment import REPO

# The parts of the localdigital package that may know every domain: the pages and URLs that
# compose them, the settings that install them, and the processes' entry points.
COMPOSITION_AND_ENTRY_POINTS = {"pages", "urls", "settings", "celery", "wsgi", "asgi"}


def contracts() -> dict[str, dict]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def platform_modules() -> set[str]:
    """Return every module and package directly under ``localdigital``, by dotted name."""
    package = REPO / "localdigital"
    names = {path.stem for path in package.glob("*.py") if path.stem.isidentifier()} | {
        path.name for path in package.iterdir() if (path / "__init__.py").is_file()
    }
    return {f"localdigital.{name}" for name in names - {"__init__"}}


def test_the_platform_contract_names_every_platform_module():
    composition = {f"localdigital.{name}" for name in COMPOSITION_AND_ENTRY_POINTS}
    listed = set(contracts()["platform"]["source_modules"])

    assert listed == platform_modules() - composition
    assert {"localdigital.accounts", "localdigital.mail", "localdigital.audit"} <= listed


def test_the_platform_may_import_neither_the_domains_nor_what_composes_them():
    forbidden = set(contracts()["platform"]["forbidden_modules"])

    assert forbidden == {
        "declaration",
        "newsletter",
        "funding",
        "training",
        "demo",
        "localdigital.pages",
        "localdigital.urls",
    }


def test_every_apps_services_and_selectors_are_kept_from_the_admins_helpers():
    """Each app the layers contract names has its services and selectors (where it has them)
    in the contract that keeps them from the admin's helpers."""
    expected = {
        f"{app}.{layer}"
        for app in contracts()["layers"]["containers"]
        for layer in ("services", "selectors")
        if (REPO / app.replace(".", "/") / layer).is_dir()
        or (REPO / app.replace(".", "/") / f"{layer}.py").is_file()
    }
    contract = contracts()["services-not-admin"]

    assert set(contract["source_modules"]) == expected
    admin_helpers = {
        f"localdigital.{path.stem}" for path in (REPO / "localdigital").glob("admin_*.py")
    }
    assert set(contract["forbidden_modules"]) == admin_helpers


# The apps whose errors each live in one errors.py module (the platform's shared ones in
# localdigital/errors.py).
ERROR_PACKAGES = ("declaration", "newsletter", "funding", "training", "demo", "localdigital")


def _raises_a_class_of_error(node: ast.ClassDef) -> bool:
    names = {
        base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases
    }
    return any(
        name.endswith(("Error", "Exception")) or name in {"TransitionNotAllowed", "NotPermitted"}
        for name in names
    )


def test_every_error_class_is_defined_in_an_errors_module():
    """Each app says every way it can fail in its own ``errors.py``, so a reader finds them
    all in one place and shared code can catch them by their base."""
    elsewhere = [
        f"{path.relative_to(REPO)}: {node.name}"
        for package in ERROR_PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "errors.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef) and _raises_a_class_of_error(node)
    ]

    assert elsewhere == []
