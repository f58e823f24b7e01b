"""The forms of the progress reports' screens: a project's planned dates, and the comments
that return a report to its team."""

from __future__ import annotations

from django import forms


class DatesForm(forms.Form):
    starts_on = forms.DateField(
        label="Planned start",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the planned start.",
            "invalid": "Enter the planned start as a real date, such as 1 April 2026.",
        },
    )
    ends_on = forms.DateField(
        label="Planned end",
        help_text="Reports not yet submitted are fitted to it; those submitted never change.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the planned end.",
            "invalid": "Enter the planned end as a real date, such as 31 March 2027.",
        },
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What must the team change?",
        help_text="The project team reads this, in their account and by email.",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        error_messages={"required": "Write comments saying what the team must change"},
    )
