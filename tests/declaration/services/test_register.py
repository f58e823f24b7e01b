"""Importing the register of local authorities (declaration/services/register.py): organisations
made, updated and closed from it, and the lines it refuses. The management command is tested in
management/commands/test_import_organisations.py."""

import datetime
from pathlib import Path

import pytest
from django.db import IntegrityError

from declaration import services
from declaration.errors import RegisterFileError
from declaration.models import Organisation, OrganisationType
from declaration.register import register_entries_parse
from declaration.services import register as register_services
from localdigital.audit.models import AuditEvent
from tests.declaration.factories import OrganisationFactory
from tests.declaration.register_files import (
    REGISTER_CSV,
    line_of,
    register_rows,
    register_with_gss_codes,
    write_register,
)
from tests.support.audit import audit_break

pytestmark = pytest.mark.django_db


def english_rows() -> list[dict[str, str]]:
    return [row for row in register_rows() if row["nation"] == "England"]


def changed_register(tmp_path: Path, code: str, **changes: str) -> Path:
    """Write a copy of the register where the authority ``code`` has ``changes``."""
    rows = register_rows()
    for row in rows:
        if row["local-authority-code"] == code:
            row.update({key.replace("_", "-"): value for key, value in changes.items()})
    return write_register(tmp_path / "register.csv", rows, list(rows[0]))


def import_register(path: Path = REGISTER_CSV) -> services.RegisterImportResult:
    entries = register_entries_parse(csv_text=path.read_text(encoding="utf-8"))
    return services.organisations_import_register(entries=entries, source=str(path))


class TestImportOrganisationsRegister:
    def test_creates_every_english_authority_when_the_database_is_empty(self):
        """Current and ended English authorities are created; nobody else is."""
        english = english_rows()
        ended = [row for row in english if row["end-date"]]

        result = import_register()

        assert result == services.RegisterImportResult(
            created=len(english), updated=0, unchanged=0, closed=len(ended)
        )
        assert result.created == 380
        assert result.closed == 48
        assert set(Organisation.objects.values_list("register_code", flat=True)) == {
            row["local-authority-code"] for row in english
        }
        assert Organisation.objects.filter(closed_on__isnull=False).count() == len(ended)
        assert not Organisation.objects.filter(register_code="ABD").exists()  # Aberdeenshire

    def test_sets_the_registers_facts_when_creating_birmingham(self):
        import_register()

        birmingham = Organisation.objects.get(register_code="BIR")
        assert birmingham.name == "Birmingham City Council"
        assert birmingham.slug == "birmingham"
        assert birmingham.organisation_type == OrganisationType.METROPOLITAN_DISTRICT
        assert birmingham.region == "West Midlands"
        assert birmingham.nation == "England"
        assert birmingham.gss_code == "E08000025"
        assert birmingham.combined_authority.register_code == "WMCA"
        assert birmingham.parent_county is None
        assert birmingham.closed_on is None
        # The short name and the alternatives, once each whatever the case, without the
        # official name itself.
        assert birmingham.alternative_names == ["Birmingham", "birmingham district"]

    def test_keeps_an_authority_closed_and_linked_to_its_successor_when_it_has_ended(self):
        """Allerdale ended on 1 April 2023 and was replaced by Cumberland."""
        import_register()

        allerdale = Organisation.objects.get(register_code="ALL")
        assert allerdale.closed_on == datetime.date(2023, 4, 1)
        assert allerdale.replaced_by.register_code == "CBD"
        assert allerdale.replaced_by.name == "Cumberland Council"
        assert allerdale.parent_county.register_code == "CMA"
        assert not allerdale.is_active

    def test_links_a_split_authority_to_the_first_successor_when_it_has_several(self):
        """Cumbria went to Cumberland and to Westmorland and Furness; the model holds one."""
        import_register()

        cumbria = Organisation.objects.get(register_code="CMA")
        assert cumbria.replaced_by.register_code == "CBD"
        assert cumbria.closed_on == datetime.date(2023, 4, 1)

    def test_links_districts_and_boroughs_when_the_register_names_their_county_or_authority(self):
        import_register()

        adur = Organisation.objects.get(register_code="ADU")
        hackney = Organisation.objects.get(register_code="HCK")
        assert adur.parent_county.register_code == "WSX"
        assert adur.organisation_type == OrganisationType.DISTRICT
        assert hackney.combined_authority.register_code == "GLA"
        assert hackney.combined_authority.organisation_type == (
            OrganisationType.STRATEGIC_REGIONAL_AUTHORITY
        )

    def test_gives_the_current_council_the_plain_slug_when_an_ended_one_had_its_name(self):
        """North Yorkshire Council took over from North Yorkshire County Council."""
        import_register()

        assert Organisation.objects.get(slug="north-yorkshire").register_code == "NYE"
        assert Organisation.objects.get(register_code="NYK").slug == "north-yorkshire-nyk"
        assert Organisation.objects.get(slug="somerset").register_code == "SMT"
        assert Organisation.objects.values("slug").distinct().count() == 380

    def test_keeps_commas_inside_names_when_splitting_alternative_names(self):
        import_register()

        hull = Organisation.objects.get(register_code="KHL")
        assert "Kingston upon Hull, City of" in hull.alternative_names
        assert "City of" not in hull.alternative_names

    def test_changes_nothing_when_the_same_file_is_imported_again(self):
        import_register()
        before = dict(Organisation.objects.values_list("register_code", "updated_at"))
        events = AuditEvent.objects.count()

        result = import_register()

        assert result == services.RegisterImportResult(
            created=0, updated=0, unchanged=380, closed=0
        )
        assert dict(Organisation.objects.values_list("register_code", "updated_at")) == before
        assert AuditEvent.objects.count() == events

    def test_updates_the_name_and_keeps_the_slug_when_the_register_renames_an_authority(
        self, tmp_path
    ):
        import_register()
        renamed = changed_register(
            tmp_path, "BIR", official_name="Birmingham Council", nice_name="Brum"
        )

        result = import_register(renamed)

        assert result == services.RegisterImportResult(
            created=0, updated=1, unchanged=379, closed=0
        )
        birmingham = Organisation.objects.get(register_code="BIR")
        assert birmingham.name == "Birmingham Council"
        assert birmingham.slug == "birmingham"
        assert birmingham.alternative_names[0] == "Brum"
        assert "Birmingham City Council" not in birmingham.alternative_names

    def test_counts_an_authority_as_closed_when_the_register_ends_it(self, tmp_path):
        import_register()
        ended = changed_register(tmp_path, "ADU", end_date="2026-04-01", replaced_by="WOT")

        result = import_register(ended)

        assert result == services.RegisterImportResult(
            created=0, updated=1, unchanged=379, closed=1
        )
        adur = Organisation.objects.get(register_code="ADU")
        assert adur.closed_on == datetime.date(2026, 4, 1)
        assert adur.replaced_by.register_code == "WOT"

    def test_updates_a_link_when_only_the_link_changed(self, tmp_path):
        import_register()
        moved = changed_register(tmp_path, "SKP", combined_authority="WMCA")

        result = import_register(moved)

        assert result.updated == 1
        assert Organisation.objects.get(register_code="SKP").combined_authority.register_code == (
            "WMCA"
        )

    def test_keeps_what_staff_entered_when_importing_again(self):
        """The register has no website or email domains: the import never wipes them."""
        import_register()
        Organisation.objects.filter(register_code="HCK").update(
            website="https://hackney.gov.uk", email_domains=["hackney.gov.uk"], slug="lb-hackney"
        )

        result = import_register()

        hackney = Organisation.objects.get(register_code="HCK")
        assert result.updated == 0
        assert hackney.website == "https://hackney.gov.uk"
        assert hackney.email_domains == ["hackney.gov.uk"]
        assert hackney.slug == "lb-hackney"

    def test_avoids_slugs_of_organisations_staff_added_when_creating(self):
        OrganisationFactory(slug="birmingham", register_code="", name="Birmingham Museums Trust")

        import_register()

        assert Organisation.objects.get(register_code="BIR").slug == "birmingham-bir"

    def test_records_one_audit_event_when_it_changes_something(self):
        import_register()

        event = AuditEvent.objects.get(verb="declaration.register.imported")
        assert event.actor is None
        assert event.data["created"] == 380
        assert event.data["closed"] == 48
        assert event.data["source"] == str(REGISTER_CSV)

    def test_writes_nothing_when_a_gss_code_belongs_to_another_organisation(self):
        OrganisationFactory(name="Somewhere Else", register_code="", gss_code="E08000025")

        with pytest.raises(RegisterFileError, match=rf"Line {line_of('BIR')}: GSS code E08000025"):
            import_register()

        assert Organisation.objects.count() == 1

    def test_swaps_the_gss_codes_when_two_authorities_exchange_them(self, tmp_path):
        """Each code is unique, so the import must not save one while the other still has it."""
        import_register()
        swapped = register_with_gss_codes(tmp_path, {"BIR": "E08000003", "MAN": "E08000025"})

        result = import_register(swapped)

        assert result == services.RegisterImportResult(
            created=0, updated=2, unchanged=378, closed=0
        )
        assert dict(
            Organisation.objects.filter(register_code__in=["BIR", "MAN"]).values_list(
                "register_code", "gss_code"
            )
        ) == {"BIR": "E08000003", "MAN": "E08000025"}

    def test_passes_gss_codes_along_when_each_authority_takes_the_next_ones(self, tmp_path):
        """A chain: Birmingham takes Manchester's, Manchester Leeds's, Leeds a new code."""
        import_register()
        moved = register_with_gss_codes(
            tmp_path, {"BIR": "E08000003", "MAN": "E08000035", "LDS": "E08999999"}
        )

        result = import_register(moved)

        assert result.updated == 3
        assert dict(
            Organisation.objects.filter(register_code__in=["BIR", "MAN", "LDS"]).values_list(
                "register_code", "gss_code"
            )
        ) == {"BIR": "E08000003", "MAN": "E08000035", "LDS": "E08999999"}

    def test_says_what_clashed_and_writes_nothing_when_a_save_breaks_a_unique_code(
        self, monkeypatch
    ):
        """Were a GSS code taken after the check (a staff edit meanwhile), no crash: a message."""
        OrganisationFactory(name="Somewhere Else", register_code="", gss_code="E08000025")
        monkeypatch.setattr(register_services, "_check_gss_codes_are_free", lambda entries: None)

        with pytest.raises(RegisterFileError, match="Nothing was imported; try again") as raised:
            import_register()

        assert "Key (gss_code)=(E08000025) already exists" in str(raised.value)
        assert Organisation.objects.count() == 1
        assert not AuditEvent.objects.exists()

    def test_lets_other_integrity_errors_through_when_they_are_not_about_the_register(
        self, monkeypatch
    ):
        """Only a clash of codes is the file's problem; a failed audit write is not."""

        audit_break(monkeypatch, register_services)

        with pytest.raises(IntegrityError, match="audit log is unavailable"):
            import_register()

        assert not Organisation.objects.exists()

    def test_writes_nothing_when_a_save_fails_part_way(self, monkeypatch):
        """The import is one transaction: a failure after the first pass undoes it all."""

        def fail(*args, **kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(register_services, "_register_links_apply", fail)

        with pytest.raises(RuntimeError):
            import_register()

        assert not Organisation.objects.exists()
        assert not AuditEvent.objects.exists()
