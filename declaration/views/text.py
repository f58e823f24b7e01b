from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from declaration.selectors import moderation as selectors
from localdigital.public_cache import public_page


@public_page("declaration")
@require_safe
def declaration_text(request: HttpRequest) -> HttpResponse:
    """Show the current version of the Declaration: its principles and commitments."""
    return render(
        request,
        "declaration/declaration.html",
        {"declaration": selectors.declaration_text_current()},
    )
