"""What the funding pages share: who is asking, and problems shown as a GOV.UK summary,
beside the answers that break them, or as warnings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from localdigital.accounts.models import User
from localdigital.errors import DomainError
from localdigital.forms import posted

from .. import rules
from ..errors import LeadLimitReached, RuleProblem, RulesNotMet
from ..forms.eois import LeadOrganisationForm
from ..models import Round
from ..selectors import dashboard as dashboard_selectors
from ..selectors.dashboard import LedBid


@dataclass(frozen=True)
class ProblemLink:
    """A rule a bid breaks, as the error summary lists it: the message, and where to fix it."""

    message: str
    url: str


@dataclass
class LeadChoice:
    """A start page's question: which of the person's signatory organisations leads the new
    bid (chosen already when they have one), and, once chosen, whether it may."""

    organisations: list[Organisation]
    form: LeadOrganisationForm
    lead: Organisation | None = None
    # The bids the lead already has in the round, shown when it is at the round's limit.
    led_bids: list[LedBid] = field(default_factory=list)

    @classmethod
    def asked(cls, request: HttpRequest) -> LeadChoice:
        """Return the question for ``request``'s person, with what they sent in a POST."""
        organisations = (
            declaration_selectors.signatories_for_member(user=request.user)
            if request.user.is_authenticated
            else []
        )
        form = LeadOrganisationForm(
            posted(request),
            organisations=organisations,
            initial={"organisation": organisations[0].slug} if len(organisations) == 1 else {},
        )
        return cls(organisations, form)

    def allowed_lead(
        self, round: Round, check: Callable[[Organisation], object]
    ) -> Organisation | None:
        """Run the service's ``check`` on the lead chosen, and return it if the bid may
        start; else show the refusal beside the question (with the bids the lead has in the
        round, at the limit) and return None."""
        lead = self.lead = self.form.cleaned_data["organisation"]
        try:
            check(lead)
        except LeadLimitReached as error:
            self.form.add_error("organisation", str(error))
            self.led_bids = dashboard_selectors.bids_led_in_round(round=round, organisation=lead)
        except DomainError as error:
            self.form.add_error("organisation", str(error))
        else:
            return lead
        return None

    def context(self) -> dict[str, Any]:
        """Return what the start page shows of the question."""
        return {
            "form": self.form,
            "led_bids": self.led_bids,
            "led_by": self.lead,
            "organisations": self.organisations,
        }


def sign_in_url(next_url: str) -> str:
    return f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"


def problem_links(
    problems: list[RuleProblem], *, section_urls: dict[str, str], fallback: str = "#main-content"
) -> list[ProblemLink]:
    """Return each problem with a link to the part of the bid that fixes it."""
    return [
        ProblemLink(message=problem.message, url=section_urls.get(problem.section, fallback))
        for problem in problems
    ]


def form_add_problems(form: forms.Form, problems: Iterable[RuleProblem]) -> None:
    """Show each broken rule on ``form`` as a GOV.UK error: beside the first of its answers
    the form asks, else at the top of the error summary."""
    for problem in problems:
        field = next((name for name in problem.fields if name in form.fields), None)
        form.add_error(field, problem.message)


def form_add_refusal(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on ``form``: each broken rule beside its answer
    (``form_add_problems``), any other reason at the top of the error summary."""
    if isinstance(error, RulesNotMet):
        form_add_problems(form, error.problems)
    else:
        form.add_error(None, str(error))


def new_bid_url(name: str, *, round: Round, organisation: Organisation, **extra: str) -> str:
    """Return the address of the first questions of a new bid to ``round`` led by
    ``organisation``: the named page, with the lead (and ``extra``) in its query."""
    query = urlencode({"organisation": organisation.slug, **extra})
    return f"{reverse(name, args=[round.slug])}?{query}"


def chosen_lead(request: HttpRequest, *, user: User) -> Organisation | None:
    """Return the lead organisation a new bid's address names, if it is one of the
    signatories ``user`` is a member of; else None."""
    slug = request.GET.get("organisation", "")
    return next(
        (
            organisation
            for organisation in declaration_selectors.signatories_for_member(user=user)
            if organisation.slug == slug
        ),
        None,
    )


def partner_added_message(
    request: HttpRequest, organisation: Organisation, *, round: Round, then: str = ""
) -> None:
    """Tell the person the partner is added, and ``then`` what happens next; as a warning,
    not a success, when the partner breaks a rule that submission will check (it has not
    signed the Declaration, in a round that asks every organisation to have)."""
    added = f"{organisation.name} is now a partner.{f' {then}' if then else ''}"
    problems = rules.signatory_problems(round=round, organisations=[organisation])
    if problems:
        messages.warning(request, f"{added} {' '.join(p.message for p in problems)}")
    else:
        messages.success(request, added)
