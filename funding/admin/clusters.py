"""Staff screens for clusters of expressions of interest: their members, introducing their
leads to each other, inviting a cluster to one joint application, and the EOIs that might
join it; and the messages sent to clusters, for reading."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import confirmed_data, count_of, run_each
from localdigital.errors import DomainError

from ..models import ClusterMessage, EoiCluster, ExpressionOfInterest
from ..selectors import staff as selectors
from ..services import clustering as services
from .common import RETURN_CLUSTER, action_form_page, eois_named, return_response

CLUSTER_CHANGE = "admin:funding_eoicluster_change"
EOI_CHANGE = "admin:funding_expressionofinterest_change"
SUGGESTIONS_SHOWN = 5


class ClusterForm(forms.ModelForm):
    """A cluster's round (chosen when it is made), name and staff's notes."""

    class Meta:
        model = EoiCluster
        fields = ["round", "name", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "round" in self.fields:
            self.fields["round"].queryset = selectors.rounds_with_eoi_stage()  # type: ignore[attr-defined]
            self.fields["round"].help_text = "Only rounds with an expression of interest stage."

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        round = data.get("round") or (self.instance.round if self.instance.pk else None)
        name = data.get("name")
        if round is not None and name:
            taken = EoiCluster.objects.filter(round=round, name__iexact=name).exclude(
                pk=self.instance.pk
            )
            if taken.exists():
                self.add_error("name", f"{round.name} already has a cluster called “{name}”.")
        return data


class MessageForm(forms.Form):
    required_css_class = "required"

    subject = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter the email's subject."},
    )
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text=(
            "Each lead's contact gets your message, followed by the other expressions of "
            "interest in the cluster, each with its lead organisation and contact, and your "
            "name."
        ),
        error_messages={"required": "Write the message: it introduces the leads to each other."},
    )


class JointLeadForm(forms.Form):
    """Which of the cluster's submitted EOIs leads the joint application."""

    required_css_class = "required"

    lead = forms.ModelChoiceField(
        queryset=ExpressionOfInterest.objects.none(),
        widget=forms.RadioSelect,
        label="Which expression of interest leads the joint application?",
        help_text=(
            "Its lead organisation leads the application, which starts from its answers. The "
            "leads of the other expressions of interest, and the partners of all of them, "
            "become its partners."
        ),
        error_messages={
            "required": "Choose the expression of interest that leads the application.",
            "invalid_choice": "Choose one of the cluster's submitted expressions of interest.",
        },
    )

    def __init__(self, *args: Any, cluster: EoiCluster, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead"]
        field.queryset = selectors.cluster_submitted_eois(cluster=cluster)  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda eoi: f"{eoi.lead_organisation.name}: {eoi.title or 'Untitled'} ({eoi.reference})"
        )


@admin.register(EoiCluster)
class EoiClusterAdmin(admin.ModelAdmin):
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

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The service refuses a name another member of staff gave a cluster meanwhile.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            self.message_user(request, f"Nothing was saved. {error}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: EoiCluster, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        cluster = services.cluster_create(
            round=obj.round, name=obj.name, notes=obj.notes, created_by=request_staff_user(request)
        )
        # The admin goes on to log, message and redirect with ``obj``: give it what was saved.
        obj.pk = cluster.pk
        obj.refresh_from_db()

    # The cluster's page

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        cluster = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if cluster is not None:
            can_act = self.has_change_permission(request, cluster)
            eoi_list = reverse("admin:funding_expressionofinterest_changelist") + "?status=all"
            extra_context.update(
                cluster_actions=(
                    [
                        ("message_leads", "Message the leads…"),
                        ("invite_joint", "Invite as one joint application…"),
                    ]
                    if can_act
                    else []
                ),
                cluster_actions_url=reverse("admin:funding_eoicluster_changelist"),
                eoi_actions_url=eoi_list,
                can_act=can_act,
                return_to=f"{RETURN_CLUSTER}{cluster.pk}",
                action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
                members=[
                    {"eoi": eoi, "url": reverse(EOI_CHANGE, args=[eoi.pk])}
                    for eoi in selectors.cluster_members(cluster=cluster)
                ],
                cluster_messages=selectors.cluster_messages(cluster=cluster),
                suggestions=[
                    {
                        "eoi": suggestion.eoi,
                        "url": reverse(EOI_CHANGE, args=[suggestion.eoi.pk]),
                        "percent": suggestion.percent,
                    }
                    for suggestion in selectors.cluster_suggestions(
                        cluster=cluster, limit=SUGGESTIONS_SHOWN
                    )
                ],
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # Actions

    def _back(self, request: HttpRequest, clusters: list[EoiCluster]) -> HttpResponse | None:
        return return_response(request, clusters, detail_url_name=CLUSTER_CHANGE)

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
        return self._back(request, clusters)

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
            return self._back(request, clusters)
        (cluster,) = clusters
        form = JointLeadForm(confirmed_data(request), cluster=cluster)
        if not form.fields["lead"].queryset.exists():  # type: ignore[attr-defined]
            self.message_user(
                request,
                f"Nothing was changed. “{cluster.name}” has no submitted expressions of "
                "interest to invite.",
                messages.ERROR,
            )
            return self._back(request, clusters)
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
        return self._back(request, clusters)


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
