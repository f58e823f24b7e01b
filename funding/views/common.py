"""What the funding pages share: who is asking, and problems shown as a GOV.UK summary,
beside the answers that break them, or as warnings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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

from .. import rules
from ..errors import RuleProblem, RulesNotMet
from ..models import Round


@dataclass(frozen=True)
class ProblemLink:
    """A rule a bid breaks, as the error summary lists it: the message, and where to fix it."""

    message: str
    url: str


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
