"""The public list of signatories, each signatory's page, open data and project updates."""

from django.urls import path
from django.views.decorators.http import require_safe

from declaration.feeds import NewSignatoriesFeed
from declaration.views import open_data, public

urlpatterns = [
    path("signatories/", public.signatory_list, name="signatories"),
    path("signatories.csv", open_data.signatories_csv, name="signatories-csv"),
    path("signatories.json", open_data.signatories_json, name="signatories-json"),
    path("signatories.atom", require_safe(NewSignatoriesFeed()), name="signatories-feed"),
    # Before the signatory pattern, which would otherwise take "open-data" for a slug.
    path("signatories/open-data/", open_data.open_data, name="open-data"),
    path("signatories/<slug:slug>/", public.signatory_detail, name="signatory"),
    path(
        "account/organisations/<slug:slug>/updates/new/",
        public.project_update_new,
        name="update-new",
    ),
]
