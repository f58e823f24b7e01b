"""The forms of the change requests' screen: the note to the team with a decision."""

from __future__ import annotations

from django import forms


class ApproveNoteForm(forms.Form):
    note = forms.CharField(
        label="Note to the team (optional)",
        required=False,
        help_text="The project team reads this on the project's changes page.",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )


class RejectNoteForm(forms.Form):
    note = forms.CharField(
        label="Why is the change rejected?",
        help_text="The project team reads this on the project's changes page.",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={"required": "Write a note saying why the change is rejected"},
    )
