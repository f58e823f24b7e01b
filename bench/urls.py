"""The product's URLs, plus ``/bench/trivial``: a view that does nothing but answer "ok".

Measured in the same run as a real page, it gives the cost of gunicorn, the middleware and the
client alone, so the page's own cost shows as a ratio that does not depend on the machine.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from localdigital.urls import handler403, handler404, handler500

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial", trivial),
    path("", include("localdigital.urls")),
]
