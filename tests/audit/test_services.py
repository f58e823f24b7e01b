import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction

from localdigital.audit.errors import AuditEventImmutableError, InvalidVerbError
from localdigital.audit.models import AuditEvent
from localdigital.audit.services import audit_record
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class TestAuditRecord:
    def test_records_actor_verb_target_and_data_when_given_them(self):
        """An event names the actor and the target by reference and by label."""
        actor = UserFactory(email="fran@example.gov.uk")
        organisation = OrganisationFactory(name="Borsetshire County Council")

        event = audit_record(
            actor=actor,
            verb="declaration.signatory.published",
            target=organisation,
            data={"version": 2, "signed_on": datetime.date(2018, 7, 4), "amount": Decimal("1.5")},
        )

        event.refresh_from_db()
        assert event.actor == actor
        assert event.actor_label == "fran@example.gov.uk"
        assert event.verb == "declaration.signatory.published"
        assert event.target_content_type == ContentType.objects.get_for_model(organisation)
        assert event.target_object_id == str(organisation.pk)
        assert event.target_label == "Borsetshire County Council"
        assert event.data == {"version": 2, "signed_on": "2018-07-04", "amount": "1.5"}
        assert event.created_at is not None

    def test_records_the_system_as_actor_when_actor_is_none(self):
        """Scheduled jobs act as nobody; the label still says who."""
        event = audit_record(actor=None, verb="mail.email.sent", target=None)

        assert event.actor is None
        assert event.actor_label == "system"
        assert event.target_content_type is None
        assert event.target_object_id == ""
        assert event.data == {}

    def test_keeps_the_event_and_its_label_when_the_actor_is_deleted(self, event):
        """Deleting a user neither fails nor changes the log."""
        actor_id = event.actor_id

        event.actor.delete()

        event = AuditEvent.objects.get(pk=event.pk)
        assert event.actor_id == actor_id
        assert event.actor_label == "fran@example.gov.uk"

    @pytest.mark.parametrize(
        "verb",
        [
            "declaration.published",
            "Declaration.signatory.published",
            "declaration.signatory.Published",
            "declaration signatory published",
            "declaration.signatory.",
            ".declaration.signatory",
            "declaration..published",
            "declaration-signatory-published",
            "",
        ],
    )
    def test_refuses_the_verb_when_it_is_not_app_entity_action(self, verb):
        with pytest.raises(InvalidVerbError):
            audit_record(actor=None, verb=verb, target=None)
        assert not AuditEvent.objects.exists()

    def test_refuses_the_verb_when_its_app_is_not_installed(self):
        """A typo in the app label is caught, not logged under a name nobody searches for."""
        with pytest.raises(InvalidVerbError, match="installed app"):
            audit_record(actor=None, verb="declarations.signatory.published", target=None)

    def test_accepts_deeper_verbs_when_an_entity_has_parts(self):
        event = audit_record(actor=None, verb="funding.application.partner.added", target=None)
        assert event.verb == "funding.application.partner.added"

    def test_refuses_a_target_when_it_is_not_saved(self):
        with pytest.raises(ValueError, match="saved"):
            audit_record(
                actor=None,
                verb="declaration.organisation.created",
                target=OrganisationFactory.build(),
            )

    def test_writes_nothing_when_the_callers_transaction_rolls_back(self):
        """The event belongs to the action's transaction, so a failed action leaves no trace."""
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(actor=None, verb="declaration.organisation.created", target=None)
            raise RuntimeError("the action failed")

        assert not AuditEvent.objects.exists()


class TestAppendOnlyInPython:
    def test_save_is_refused_when_the_event_is_stored(self, event):
        event.verb = "declaration.signatory.withdrawn"
        with pytest.raises(AuditEventImmutableError):
            event.save()
        assert AuditEvent.objects.get().verb == "declaration.signatory.published"

    def test_delete_is_refused_when_called_on_an_event(self, event):
        with pytest.raises(AuditEventImmutableError):
            event.delete()
        assert AuditEvent.objects.count() == 1

    def test_refuses_bulk_update_and_delete_when_called_on_a_queryset(self, event):
        with pytest.raises(AuditEventImmutableError):
            AuditEvent.objects.filter(pk=event.pk).update(verb="declaration.signatory.withdrawn")
        with pytest.raises(AuditEventImmutableError):
            AuditEvent.objects.all().delete()
        assert AuditEvent.objects.get().verb == "declaration.signatory.published"


class TestAppendOnlyInTheDatabase:
    """PostgreSQL itself refuses changes, whatever code sends them."""

    def test_update_is_refused_when_sent_as_raw_sql(self, event):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "UPDATE audit_auditevent SET verb = %s WHERE id = %s",
                ["declaration.signatory.withdrawn", event.pk],
            )
        assert AuditEvent.objects.get().verb == "declaration.signatory.published"

    def test_delete_is_refused_when_sent_as_raw_sql(self, event):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_update_is_refused_when_the_orm_bypasses_the_model(self, event):
        """``_update`` is what ``save()`` itself would use; the trigger still stops it."""
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk)._update(
                [(AuditEvent._meta.get_field("verb"), None, "declaration.signatory.withdrawn")]
            )
        assert AuditEvent.objects.get().verb == "declaration.signatory.published"

    def test_insert_is_allowed_when_sent_as_raw_sql(self):
        """Appending is the one thing the table allows."""
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_auditevent (actor_label, verb, target_object_id, "
                "target_label, data, created_at) VALUES ('system', 'audit.event.tested', '', "
                "'', '{}', now())"
            )
        assert AuditEvent.objects.filter(verb="audit.event.tested").exists()
