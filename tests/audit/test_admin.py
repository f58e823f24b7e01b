import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from declaration.models import Organisation
from localdigital.audit.models import AuditEvent
from localdigital.audit.services import audit_record
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


class TestAuditEventAdmin:
    def test_lists_and_shows_events_when_the_superuser_has_two_factors(
        self, otp_verified_superuser_client, event
    ):
        changelist = otp_verified_superuser_client.get(reverse("admin:audit_auditevent_changelist"))
        detail = otp_verified_superuser_client.get(
            reverse("admin:audit_auditevent_change", args=[event.pk])
        )

        assert changelist.status_code == 200
        assert "declaration.signatory.published" in changelist.text
        assert "Borsetshire County Council" in changelist.text
        assert detail.status_code == 200
        assert "fran@example.gov.uk" in detail.text
        assert "&quot;version&quot;: 2" in detail.text  # escaped: data may hold user input
        assert 'name="_save"' not in detail.text
        assert reverse("admin:audit_auditevent_delete", args=[event.pk]) not in detail.text

    def test_refuses_add_change_and_delete_when_even_a_superuser_asks(
        self, otp_verified_superuser_client, event
    ):
        client = otp_verified_superuser_client
        add = client.post(
            reverse("admin:audit_auditevent_add"),
            {"verb": "declaration.signatory.withdrawn", "actor_label": "x"},
        )
        change = client.post(
            reverse("admin:audit_auditevent_change", args=[event.pk]),
            {"verb": "declaration.signatory.withdrawn"},
        )
        delete = client.post(
            reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
        )
        bulk_delete = client.post(
            reverse("admin:audit_auditevent_changelist"),
            {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
        )

        assert add.status_code == 403
        assert change.status_code == 403
        assert delete.status_code == 403
        assert bulk_delete.status_code == 200  # the list again, with "no action selected"
        assert AuditEvent.objects.get().verb == "declaration.signatory.published"
        assert AuditEvent.objects.count() == 1

    def test_finds_events_when_searching_labels_or_filtering_by_verb_actor_type_or_date(
        self, otp_verified_superuser_client, event
    ):
        audit_record(actor=None, verb="declaration.register.imported", target=None)
        url = reverse("admin:audit_auditevent_changelist")
        client = otp_verified_superuser_client

        by_target = client.get(url, {"q": "Borsetshire"})
        by_actor = client.get(url, {"q": "fran@"})
        by_verb = client.get(url, {"verb": "declaration.register.imported"})
        by_actor_id = client.get(url, {"actor__id__exact": event.actor_id})
        by_type = client.get(url, {"target_content_type__id__exact": event.target_content_type_id})
        by_day = client.get(
            url,
            {
                "created_at__year": event.created_at.year,
                "created_at__month": event.created_at.month,
            },
        )

        assert [row.pk for row in by_target.context["cl"].result_list] == [event.pk]
        assert [row.pk for row in by_actor.context["cl"].result_list] == [event.pk]
        assert [row.verb for row in by_verb.context["cl"].result_list] == [
            "declaration.register.imported"
        ]
        assert [row.pk for row in by_actor_id.context["cl"].result_list] == [event.pk]
        assert [row.pk for row in by_type.context["cl"].result_list] == [event.pk]
        assert by_day.context["cl"].result_count == 2

    def test_finds_every_event_for_one_object_when_searching_its_id_with_its_type(
        self, otp_verified_superuser_client, event
    ):
        """The id matches exactly, and the target type tells apart objects sharing an id."""
        organisation = OrganisationFactory.create(name="Ambridge Parish Council")
        same_id_other_type = MembershipFactory.create(
            pk=organisation.pk,
            organisation=organisation,
            user=UserFactory.create(email="ada@ambridge.gov.uk"),
        )
        renamed = audit_record(
            actor=None,
            verb="declaration.organisation.updated",
            target=organisation,
            data={"changed": {"name": {"old": "Ambridge", "new": "Ambridge Parish Council"}}},
        )
        audit_record(actor=None, verb="declaration.membership.added", target=same_id_other_type)
        audit_record(actor=None, verb="declaration.organisation.created", target=organisation)
        url = reverse("admin:audit_auditevent_changelist")
        content_type = ContentType.objects.get_for_model(Organisation)

        by_id = otp_verified_superuser_client.get(url, {"q": str(organisation.pk)})
        for_one_object = otp_verified_superuser_client.get(
            url, {"q": str(organisation.pk), "target_content_type__id__exact": content_type.pk}
        )
        partial_id = otp_verified_superuser_client.get(url, {"q": f"9{organisation.pk}"})

        assert {row.verb for row in by_id.context["cl"].result_list} == {
            "declaration.organisation.updated",
            "declaration.organisation.created",
            "declaration.membership.added",
        }
        assert [row.verb for row in for_one_object.context["cl"].result_list] == [
            "declaration.organisation.created",
            "declaration.organisation.updated",
        ]
        assert renamed.pk in {row.pk for row in for_one_object.context["cl"].result_list}
        assert list(partial_id.context["cl"].result_list) == []

    def test_shows_the_event_when_its_actor_has_been_deleted(
        self, otp_verified_superuser_client, event
    ):
        event.actor.delete()

        response = otp_verified_superuser_client.get(
            reverse("admin:audit_auditevent_change", args=[event.pk])
        )

        assert response.status_code == 200
        assert "fran@example.gov.uk" in response.text

    def test_sends_staff_to_sign_in_when_the_session_has_no_second_factor(self, client, event):
        """A password alone does not open the audit log."""
        client.force_login(UserFactory(staff=True, is_superuser=True))

        response = client.get(reverse("admin:audit_auditevent_changelist"))

        assert response.status_code == 302

    def test_fund_managers_may_view_the_log_when_the_migration_has_run(
        self, otp_verified_client_for, event
    ):
        """The data migration grants the "Fund manager" group view_auditevent, and no more."""
        fund_manager = UserFactory(staff=True, groups=["Fund manager"])
        client = otp_verified_client_for(fund_manager)

        response = client.get(reverse("admin:audit_auditevent_changelist"))

        assert response.status_code == 200
        assert set(
            Permission.objects.filter(
                group__name="Fund manager", content_type__app_label="audit"
            ).values_list("codename", flat=True)
        ) == {"view_auditevent"}

    def test_other_staff_may_not_view_the_log_when_not_granted(
        self, otp_verified_client_for, event
    ):
        assessor = UserFactory(staff=True, groups=["Assessor"])
        client = otp_verified_client_for(assessor)

        response = client.get(reverse("admin:audit_auditevent_changelist"))

        assert response.status_code == 403
