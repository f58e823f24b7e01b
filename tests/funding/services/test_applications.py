"""Deleting a draft full application. Starting one, its sections, its partners and its
submission are tested beside it, in test_applications_<step>.py, as the services are split."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.utils import timezone

from funding.errors import DeadlinePassed, NotPermitted, TransitionNotAllowed
from funding.models import (
    Application,
    ApplicationChange,
    ApplicationPartner,
    ApplicationSection,
    BudgetLine,
    EoiStatus,
)
from funding.services import applications as services
from localdigital.audit.models import AuditEvent
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    EoiFactory,
    member_of,
)
from tests.funding.support import ready

pytestmark = pytest.mark.django_db


class TestApplicationDelete:
    def test_a_member_of_the_lead_deletes_a_draft_with_everything_in_it(self):
        application = ready()
        reference = application.reference
        person = member_of(application.lead_organisation)

        services.application_delete(application=application, deleted_by=person)

        assert not Application.objects.filter(reference=reference).exists()
        assert not ApplicationPartner.objects.exists()
        assert not ApplicationSection.objects.exists()
        assert not BudgetLine.objects.exists()
        assert not ApplicationChange.objects.exists()
        event = AuditEvent.objects.get(verb="funding.application.deleted")
        assert (event.actor, event.data["reference"]) == (person, reference)

    def test_a_member_of_a_partner_who_may_edit_it_cannot_delete_it(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)

        with pytest.raises(NotPermitted, match="delete it"):
            services.application_delete(
                application=application, deleted_by=member_of(partner.organisation)
            )

        assert Application.objects.filter(pk=application.pk).exists()

    def test_one_invited_from_an_expression_of_interest_is_withdrawn_not_deleted(self):
        application = ApplicationFactory()
        EoiFactory(
            round=application.round,
            lead_organisation=application.lead_organisation,
            status=EoiStatus.INVITED,
            submitted_at=timezone.now(),
            application=application,
        )

        with pytest.raises(TransitionNotAllowed, match="withdraw it instead"):
            services.application_delete(application=application, deleted_by=application.created_by)

        assert Application.objects.filter(pk=application.pk).exists()

    @pytest.mark.parametrize("state", ["submitted", "withdrawn"])
    def test_only_a_draft_can_be_deleted(self, state):
        application = ApplicationFactory(**{state: True})

        with pytest.raises(TransitionNotAllowed, match="cannot be deleted"):
            services.application_delete(application=application, deleted_by=application.created_by)

    def test_not_after_the_deadline(self):
        application = ApplicationFactory()

        with pytest.raises(DeadlinePassed):
            services.application_delete(
                application=application,
                deleted_by=application.created_by,
                now=application.round.applications_close_at,
            )

    def test_deletes_nothing_when_the_audit_fails(self, broken_audit):
        application = ApplicationFactory()

        with pytest.raises(IntegrityError):
            services.application_delete(application=application, deleted_by=application.created_by)

        assert Application.objects.filter(pk=application.pk).exists()
