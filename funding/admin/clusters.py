"""Staff screens for clusters of expressions of interest: their members, introducing their
leads to each other, inviting a cluster to one joint application, and the EOIs that might
join it; and the messages sent to clusters, for reading."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    ObjectActionsMixin,
    action_form_page,
    confirmed_data,
    count_of,
    object_action_url,
    run_each,
)
from localdigital.admin_pages import ServiceSaveMixin
from localdigital.errors import DomainError

from ..models import ClusterMessage, EoiCluster, ExpressionOfInterest
from ..selectors import staff as selectors
from ..services import clustering as services
from .common import eois_named
from .forms.eois import ClusterForm, JointLeadForm, MessageForm

CLUSTER_CHANGE = "admin:funding_eoicluster_change"
EOI_CHANGE = "admin:funding_expressionofinterest_change"
SUGGESTIONS_SHOWN = 5


@admin.register(EoiCluster)
class EoiClusterAdmin(ObjectActionsMixin, ServiceSaveMixin, admin.ModelAdmin):
    """Clusters of a round's EOIs about the same problem.

    A cluster's page lists its EOIs, the messages sent to their leads and the unclustered
    submitted EOIs most like them; its actions introduce the leads and invite the cluster to
    one joint application. Clusters are made here or from the EOI list, and not deleted:
    their EOIs leave them one by one.
    """

    form = ClusterForm
    list_display = [
        "name",
        "round",
        "eoi_count",
        "submitted_count",
        "message_count",
        "created_at",
    ]
    list_filter = ["round"]
    list_select_related = ["round"]
    search_fields = ["name"]
    search_help_text = "Search by the cluster's name."
    ordering = ["-round__number", "name"]
    actions = ["message_leads", "invite_joint"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EoiCluster]:
        return selectors.clusters_for_admin()

    def get_fields(self, request: HttpRequest, obj: EoiCluster | None = None) -> Any:
        if obj is None:
            return ["round", "name", "notes"]
        return ["round", "name", "notes", "created_at", "created_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: EoiCluster | None = None) -> Any:
        if obj is None:
            return []
        # A cluster holds EOIs of one round, so its round is fixed once it is made.
        return ["round", "created_at", "created_by"]

    def has_delete_permission(self, request: HttpRequest, obj: EoiCluster | None = None) -> bool:
        return False

    @admin.display(description="expressions of interest", ordering="eoi_count")
    def eoi_count(self, cluster: EoiCluster) -> int:
        return getattr(cluster, "eoi_count", 0)

    @admin.display(description="submitted", ordering="submitted_count")
    def submitted_count(self, cluster: EoiCluster) -> int:
        return getattr(cluster, "submitted_count", 0)

    @admin.display(description="messages sent", ordering="message_count")
    def message_count(self, cluster: EoiCluster) -> int:
        return getattr(cluster, "message_count", 0)

    # Making and saving

    # The service refuses a name another member of staff gave a cluster meanwhile.
    refused_save = "Nothing was saved. {error}"

    def save_through_service(
        self, request: HttpRequest, obj: EoiCluster, form: Any, change: bool
    ) -> EoiCluster:
        if change:
            # A cluster's name and notes are the staff's own working notes: saved as typed.
            obj.save()
            return obj
        return services.cluster_create(
            round=obj.round, name=obj.name, notes=obj.notes, created_by=request_staff_user(request)
        )

    # The cluster's page

    object_actions_heading = "Work on this cluster"

    def object_action_choices(
        self, request: HttpRequest, cluster: EoiCluster
    ) -> list[tuple[str, str]]:
        return [
            ("message_leads", "Message the leads…"),
            ("invite_joint", "Invite as one joint application…"),
        ]

    def change_page_context(self, request: HttpRequest, cluster: EoiCluster) -> dict[str, Any]:
        return {
            "can_act": self.has_change_permission(request, cluster),
            # The buttons on the cluster's expressions of interest come back here.
            "cluster_url": reverse(CLUSTER_CHANGE, args=[cluster.pk]),
            "members": [
                {
                    "eoi": eoi,
                    "url": reverse(EOI_CHANGE, args=[eoi.pk]),
                    "remove_url": object_action_url(eoi, "remove_from_cluster"),
                }
                for eoi in selectors.cluster_members(cluster=cluster)
            ],
            "cluster_messages": selectors.cluster_messages(cluster=cluster),
            "suggestions": [
                {
                    "eoi": suggestion.eoi,
                    "url": reverse(EOI_CHANGE, args=[suggestion.eoi.pk]),
                    "add_url": object_action_url(suggestion.eoi, "add_to_cluster"),
                    "percent": suggestion.percent,
                }
                for suggestion in selectors.cluster_suggestions(
                    cluster=cluster, limit=SUGGESTIONS_SHOWN
                )
            ],
        }

    # Actions

    @admin.action(description="Message the leads…", permissions=["change"])
    def message_leads(
        self, request: HttpRequest, queryset: QuerySet[EoiCluster]
    ) -> HttpResponse | None:
        """Ask for the message on a page of its own, then send it to each cluster's leads."""
        clusters = list(queryset.order_by("pk"))
        form = MessageForm(
            confirmed_data(request),
            initial={"subject": "Councils working on the same problem as you"},
        )
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="message_leads",
                title="Message the leads",
                intro=(
                    "The contact of each expression of interest in the cluster is emailed, to "
                    "introduce the leads to each other. Each cluster selected gets its own "
                    "introduction."
                ),
                submit="Send",
                form=form,
                objects=[
                    (
                        cluster.pk,
                        f"{cluster.name} ({cluster.round.name}, "
                        f"{eois_named(getattr(cluster, 'eoi_count', 0))})",
                    )
                    for cluster in clusters
                ],
            )
        staff = request_staff_user(request)
        run_each(
            self,
            request,
            clusters,
            lambda cluster: services.cluster_message_send(
                cluster=cluster,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                sent_by=staff,
            ),
            label=lambda cluster: f"“{cluster.name}”",
            describe=lambda cluster, message: (
                f"“{cluster.name}” ({count_of(message.recipient_count, 'lead', 'leads')})"
            ),
            done="Sent your message to the leads of {}.",
            refused="Not sent to",
        )
        return None

    @admin.action(description="Invite as one joint application…", permissions=["change"])
    def invite_joint(
        self, request: HttpRequest, queryset: QuerySet[EoiCluster]
    ) -> HttpResponse | None:
        """Ask which EOI leads, then invite the cluster's submitted EOIs to one application."""
        clusters = list(queryset.order_by("pk"))
        if len(clusters) != 1:
            self.message_user(
                request,
                "Nothing was changed. Choose one cluster at a time: each joint application "
                "has a lead that you choose.",
                messages.ERROR,
            )
            return None
        (cluster,) = clusters
        form = JointLeadForm(confirmed_data(request), cluster=cluster)
        if not form.fields["lead"].queryset.exists():  # type: ignore[attr-defined]
            self.message_user(
                request,
                f"Nothing was changed. “{cluster.name}” has no submitted expressions of "
                "interest to invite.",
                messages.ERROR,
            )
            return None
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="invite_joint",
                title="Invite as one joint application",
                intro=(
                    f"The submitted expressions of interest in “{cluster.name}” are invited to "
                    "one application together, and each writer is emailed. The others in the "
                    "cluster (invited, declined or withdrawn) are left as they are."
                ),
                submit="Invite",
                form=form,
                objects=[(cluster.pk, f"{cluster.name} ({cluster.round.name})")],
            )
        lead: ExpressionOfInterest = form.cleaned_data["lead"]
        try:
            application = services.cluster_invite(
                cluster=cluster, lead_eoi=lead, invited_by=request_staff_user(request)
            )
        except DomainError as error:
            self.message_user(request, f"Nothing was changed. {error}", messages.ERROR)
        else:
            invited = application.eois.count()
            self.message_user(
                request,
                f"Invited “{cluster.name}” to joint application {application.reference}, led by "
                f"{application.lead_organisation.name}: {eois_named(invited)}. Each writer has "
                "been emailed.",
                messages.SUCCESS,
            )
        return None


@admin.register(ClusterMessage)
class ClusterMessageAdmin(admin.ModelAdmin):
    """The messages staff sent to clusters' leads, for reading; they are sent from the
    cluster's page, through the outbox."""

    list_display = ["subject", "cluster", "round_name", "sent_at", "sent_by", "recipient_count"]
    list_filter = ["cluster__round"]
    list_select_related = ["cluster__round", "sent_by"]
    search_fields = ["subject", "cluster__name"]
    search_help_text = "Search by subject or cluster."
    ordering = ["-sent_at"]
    fields = ("cluster", "subject", "body", "sent_at", "sent_by", "recipient_count")
    readonly_fields = fields

    @admin.display(description="round", ordering="cluster__round__number")
    def round_name(self, message: ClusterMessage) -> str:
        return message.cluster.round.name

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ClusterMessage | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ClusterMessage | None = None
    ) -> bool:
        return False
