"""Importing the register of local authorities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError
from django.utils.text import slugify

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.locks import advisory_lock, lock_register
from localdigital.public_cache import content_changed

from ..errors import RegisterFileError
from ..models import Organisation
from ..register import RegisterEntry

IMPORTED_NATION = "England"
# Two imports at once would race for slugs; this lock serialises them.
REGISTER_IMPORT_LOCK = lock_register("declaration.register_import")
SLUG_MAX_LENGTH = Organisation._meta.get_field("slug").max_length or 200


@dataclass(frozen=True)
class RegisterImportResult:
    """What an import of the register did.

    Every English authority in the file is counted once, as created, updated or unchanged.
    ``closed`` counts those, new or existing, that this import marked as closed.
    """

    created: int
    updated: int
    unchanged: int
    closed: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class _RegisterChange:
    """One organisation's part in an import: whether it is new, and what changed."""

    organisation: Organisation
    entry: RegisterEntry
    is_new: bool
    is_closed_now: bool = False
    changed_fields: set[str] = field(default_factory=set)


def organisations_import_register(
    *,
    entries: Sequence[RegisterEntry],
    actor: User | None = None,
    source: str = "",
) -> RegisterImportResult:
    """Create or update an organisation for every English authority in the register.

    Organisations are matched by register code, so importing the same file again changes
    nothing. The register sets each one's name, alternative names, type, GSS code, region,
    nation and closing date, and its links to a parent county, a combined authority and
    the authority that replaced it. Where an authority was split (``replaced-by`` lists
    several codes), ``replaced_by`` points at the first, as the model holds one successor.
    A new organisation's slug comes from the register's short name; an existing slug never
    changes, because it is part of public URLs. The website and email domains are not in
    the register and are left as staff set them. Ended authorities are kept, marked closed.

    ``entries`` come from ``register.register_entries_parse``, which has checked the file
    as a whole. Everything happens in one transaction: a GSS code that already belongs to
    another organisation raises ``RegisterFileError`` before anything is written. Authorities
    in the file may swap or pass on GSS codes among themselves. Should a save still break a
    uniqueness rule (say, staff gave an organisation a GSS code while the import ran),
    ``RegisterFileError`` says so and nothing is written.
    """
    try:
        return _organisations_import_register(entries=entries, actor=actor, source=source)
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        if not (constraint or "").startswith(f"{Organisation._meta.db_table}_"):
            raise
        raise RegisterFileError(
            [
                "The register clashes with the organisations already saved: a GSS code, "
                "register code or slug in it belongs to another organisation, perhaps one "
                "saved while the import ran. Nothing was imported; try again. "
                f"(The database said: {' '.join(str(error).split())})"
            ]
        ) from error


def _organisations_import_register(
    *, entries: Sequence[RegisterEntry], actor: User | None, source: str
) -> RegisterImportResult:
    english = [entry for entry in entries if entry.nation == IMPORTED_NATION]
    with advisory_lock(REGISTER_IMPORT_LOCK, wait=True):
        content_changed("declaration")
        existing = {
            organisation.register_code: organisation
            for organisation in Organisation.objects.select_for_update().filter(
                register_code__in=[entry.code for entry in english]
            )
        }
        _check_gss_codes_are_free(english)
        _release_changing_gss_codes(english, existing=existing)
        taken_slugs = set(Organisation.objects.values_list("slug", flat=True))
        # Current authorities first, so that where a new council took an old one's name
        # (North Yorkshire, Somerset) the current council gets the plain slug.
        ordered = sorted(english, key=lambda entry: (entry.closed_on is not None, entry.line))
        changes = [
            _register_fields_apply(entry, existing.get(entry.code), taken_slugs=taken_slugs)
            for entry in ordered
        ]
        by_code = {
            organisation.register_code: organisation
            for organisation in Organisation.objects.filter(
                register_code__in={entry.code for entry in entries}
            )
        }
        for change in changes:
            _register_links_apply(change, by_code=by_code)
        result = RegisterImportResult(
            created=sum(change.is_new for change in changes),
            updated=sum(not change.is_new and bool(change.changed_fields) for change in changes),
            unchanged=sum(not change.is_new and not change.changed_fields for change in changes),
            closed=sum(change.is_closed_now for change in changes),
        )
        if result.created or result.updated:
            audit_record(
                actor=actor,
                verb="declaration.register.imported",
                target=None,
                data={
                    "source": source,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "closed": result.closed,
                },
            )
    return result


def _check_gss_codes_are_free(entries: Sequence[RegisterEntry]) -> None:
    entries_by_gss_code = {entry.gss_code: entry for entry in entries if entry.gss_code}
    holders = (
        Organisation.objects.filter(gss_code__in=entries_by_gss_code)
        .exclude(register_code__in=[entry.code for entry in entries])
        .order_by("gss_code")
    )
    problems = [
        f"Line {entries_by_gss_code[holder.gss_code].line}: GSS code {holder.gss_code} "
        f"already belongs to {holder.name} (register code {holder.register_code or 'none'})."
        for holder in holders
    ]
    if problems:
        raise RegisterFileError(problems)


def _release_changing_gss_codes(
    entries: Sequence[RegisterEntry], *, existing: dict[str, Organisation]
) -> None:
    """Clear, in the database only, the GSS codes that the import gives to someone else.

    The organisations are saved one by one, and each GSS code is unique, so where two
    authorities swap codes the first save would find its new code still taken. The objects
    in ``existing`` keep their old codes, so the changes are still seen and counted.
    """
    wanted = {entry.code: entry.gss_code for entry in entries}
    changing = [
        organisation.pk
        for code, organisation in existing.items()
        if organisation.gss_code and organisation.gss_code != wanted[code]
    ]
    if changing:
        Organisation.objects.filter(pk__in=changing).update(gss_code="")


def _register_fields_apply(
    entry: RegisterEntry, organisation: Organisation | None, *, taken_slugs: set[str]
) -> _RegisterChange:
    """Set the register's own fields on the organisation for ``entry``, and save it."""
    if organisation is None:
        slug = _unique_slug(entry, taken_slugs=taken_slugs)
        taken_slugs.add(slug)
        change = _RegisterChange(
            organisation=Organisation(register_code=entry.code, slug=slug),
            entry=entry,
            is_new=True,
        )
    else:
        change = _RegisterChange(organisation=organisation, entry=entry, is_new=False)
    organisation = change.organisation
    was_open = change.is_new or organisation.closed_on is None
    wanted: dict[str, Any] = {
        "name": entry.name,
        "alternative_names": list(entry.alternative_names),
        "organisation_type": entry.organisation_type,
        "gss_code": entry.gss_code,
        "region": entry.region,
        "nation": entry.nation,
        "closed_on": entry.closed_on,
    }
    for name, value in wanted.items():
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            change.changed_fields.add(name)
    change.is_closed_now = was_open and organisation.closed_on is not None
    if change.is_new:
        organisation.save()
    elif change.changed_fields:
        organisation.save(update_fields=[*sorted(change.changed_fields), "updated_at"])
    return change


def _register_links_apply(change: _RegisterChange, *, by_code: dict[str, Organisation]) -> None:
    """Point the organisation at its parent county, combined authority and successor.

    A link to an authority that was not imported (one outside England) is left empty.
    """
    entry, organisation = change.entry, change.organisation
    wanted = {
        "parent_county_id": _organisation_id(by_code, entry.parent_county_code),
        "combined_authority_id": _organisation_id(by_code, entry.combined_authority_code),
        "replaced_by_id": _organisation_id(
            by_code, entry.replaced_by_codes[0] if entry.replaced_by_codes else ""
        ),
    }
    changed = [name for name, value in wanted.items() if getattr(organisation, name) != value]
    for name in changed:
        setattr(organisation, name, wanted[name])
    if changed:
        fields = [name.removesuffix("_id") for name in changed]
        organisation.save(update_fields=[*fields, "updated_at"])
        change.changed_fields.update(fields)


def _organisation_id(by_code: dict[str, Organisation], code: str) -> int | None:
    organisation = by_code.get(code) if code else None
    return organisation.pk if organisation is not None else None


def _unique_slug(entry: RegisterEntry, *, taken_slugs: set[str]) -> str:
    """Return a slug from the authority's short name that no organisation has yet.

    Where the name is taken, the register code tells the two apart (``somerset-som``),
    and a number after that, which the register's unique codes make a last resort.
    """
    base = slugify(entry.nice_name)[: SLUG_MAX_LENGTH - 20].strip("-") or entry.code.lower()
    candidates = [base, f"{base}-{entry.code.lower()}"]
    for candidate in candidates:
        if candidate not in taken_slugs:
            return candidate
    number = 2
    while f"{candidates[-1]}-{number}" in taken_slugs:
        number += 1
    return f"{candidates[-1]}-{number}"
