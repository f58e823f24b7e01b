"""The forms of expressions of interest and their clusters: which cluster, feedback on a
decline, a cluster's notes, a message to the leads, and the lead of a joint application."""

from __future__ import annotations

from typing import Any

from django import forms

from ...models import EoiCluster, ExpressionOfInterest, Round
from ...selectors import staff as selectors


class ClusterChoiceForm(forms.Form):
    """An existing cluster of the round, or the name of a new one."""

    required_css_class = "required"

    cluster = forms.ModelChoiceField(
        queryset=EoiCluster.objects.none(),
        required=False,
        label="An existing cluster",
        empty_label="Choose a cluster",
        error_messages={"invalid_choice": "Choose one of this round's clusters."},
    )
    new_name = forms.CharField(
        required=False,
        max_length=200,
        label="Or a new cluster called",
        help_text="Name it after the problem its expressions of interest share.",
    )

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        clusters = round.clusters.order_by("name")
        if clusters.exists():
            self.fields["cluster"].queryset = clusters  # type: ignore[attr-defined]
        else:
            del self.fields["cluster"]
            self.fields["new_name"].label = "A new cluster called"
            self.fields["new_name"].required = True
            self.fields["new_name"].error_messages["required"] = (
                f"{round.name} has no clusters yet. Name a new one."
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        cluster = data.get("cluster")
        name = data.get("new_name", "")
        if "cluster" in self.errors or "new_name" in self.errors:
            return data
        if cluster is not None and name:
            self.add_error("new_name", "Choose an existing cluster or name a new one, not both.")
        elif cluster is None and not name:
            self.add_error("new_name", "Choose a cluster, or name a new one.")
        elif name and EoiCluster.objects.filter(round=self.round, name__iexact=name).exists():
            self.add_error(
                "new_name",
                f"{self.round.name} already has a cluster called “{name}”. Choose it from the "
                "list, or give the new one another name.",
            )
        return data


class DeclineForm(forms.Form):
    required_css_class = "required"

    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=(
            "The writer of each expression of interest is emailed this feedback, and sees it "
            "on their account, so write it for them."
        ),
        error_messages={"required": "Give feedback: the applicant is told why."},
    )


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
