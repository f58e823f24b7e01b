"""The funding app's URLs. Public paths follow the URL contract in DESIGN.md."""

from django.urls import path

from funding.views import applications, eois, partners, public

app_name = "funding"

EOI = "funding/expressions-of-interest/<str:reference>/"
APPLICATION = "funding/applications/<str:reference>/"

urlpatterns = [
    path("funding/", public.round_list, name="round-list"),
    path("funding/rounds/<slug:slug>/", public.round_detail, name="round-detail"),
    # Expressions of interest.
    path(
        "funding/rounds/<slug:slug>/expression-of-interest/",
        eois.eoi_start,
        name="eoi-start",
    ),
    path(EOI, eois.eoi_detail, name="eoi-detail"),
    path(f"{EOI}details/", eois.eoi_details, name="eoi-details"),
    path(f"{EOI}partners/", eois.eoi_partners, name="eoi-partners"),
    path(
        f"{EOI}partners/<int:pk>/remove/",
        eois.eoi_partner_remove,
        name="eoi-partner-remove",
    ),
    path(f"{EOI}submit/", eois.eoi_submit, name="eoi-submit"),
    path(f"{EOI}confirmation/", eois.eoi_confirmation, name="eoi-confirmation"),
    path(f"{EOI}withdraw/", eois.eoi_withdraw, name="eoi-withdraw"),
    # Applications.
    path(
        "funding/rounds/<slug:slug>/apply/",
        applications.application_start,
        name="application-start",
    ),
    path(APPLICATION, applications.application_detail, name="application-detail"),
    path(
        f"{APPLICATION}sections/<str:section>/",
        applications.application_section,
        name="application-section",
    ),
    path(f"{APPLICATION}partners/", applications.application_partners, name="application-partners"),
    path(
        f"{APPLICATION}partners/<int:pk>/",
        applications.application_partner_contact,
        name="application-partner-contact",
    ),
    path(
        f"{APPLICATION}partners/<int:pk>/resend/",
        applications.application_partner_resend,
        name="application-partner-resend",
    ),
    path(
        f"{APPLICATION}partners/<int:pk>/remove/",
        applications.application_partner_remove,
        name="application-partner-remove",
    ),
    path(f"{APPLICATION}history/", applications.application_history, name="application-history"),
    path(f"{APPLICATION}check/", applications.application_check, name="application-check"),
    path(
        f"{APPLICATION}confirmation/",
        applications.application_confirmation,
        name="application-confirmation",
    ),
    path(f"{APPLICATION}withdraw/", applications.application_withdraw, name="application-withdraw"),
    # A partner's contact confirms by emailed link; no account needed.
    path("funding/partners/confirm/", partners.partner_confirm, name="partner-confirm"),
]
