"""The calendar file of a person's own enrolment, to add its sessions to their calendar.

It is per enrolment, for the enrolled person alone, signed in, since it carries the
joining instructions: anyone else's, or one not enrolled, is not found (404).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from localdigital.accounts.types import AuthenticatedHttpRequest

from .. import selectors
from ..calendars import CONTENT_TYPE, enrolment_ical


@login_required
@require_safe
def enrolment_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Return the sessions of the person's enrolment as a calendar file to download."""
    found = selectors.enrolment_calendar_get(user=request.user, enrolment_id=pk)
    if found is None:
        raise Http404("No such enrolment.")
    response = HttpResponse(enrolment_ical(found, now=timezone.now()), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
