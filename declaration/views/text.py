from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def declaration_text(request: HttpRequest) -> HttpResponse:
    """Show the Declaration: its five principles and both sets of commitments."""
    return render(request, "declaration/declaration.html")
