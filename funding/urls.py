"""The funding app's URLs. Public paths follow the URL contract in DESIGN.md."""

from django.urls import path
from django.views.decorators.http import require_safe

from funding.feeds import FundedProjectsFeed, RoundsOpeningFeed
from funding.views import (
    applications,
    applications_partners,
    applications_start,
    applications_submission,
    awards,
    changes,
    eois,
    eois_submission,
    open_data,
    partners,
    projects,
    public,
    report_sections,
    reports,
)

app_name = "funding"

EOI = "funding/expressions-of-interest/<str:reference>/"
APPLICATION = "funding/applications/<str:reference>/"
PROJECT = "funding/projects/<slug:slug>/"
REPORT = f"{PROJECT}reports/<str:key>/"

urlpatterns = [
    path("funding/", public.round_list, name="round-list"),
    path("funding/rounds.atom", require_safe(RoundsOpeningFeed()), name="rounds-feed"),
    path("funding/rounds/<slug:slug>/", public.round_detail, name="round-detail"),
    # Funded projects and their open data.
    path("funding/projects/", projects.project_list, name="project-list"),
    path("funding/projects.csv", open_data.projects_csv, name="projects-csv"),
    path("funding/projects.json", open_data.projects_json, name="projects-json"),
    path("funding/projects.atom", require_safe(FundedProjectsFeed()), name="projects-feed"),
    path("funding/360giving.json", open_data.threesixtygiving_json, name="threesixtygiving"),
    path("funding/open-data/", open_data.open_data, name="open-data"),
    path(PROJECT, projects.project_detail, name="project-detail"),
    # A funded project's team.
    path(f"{PROJECT}updates/new/", awards.project_update_new, name="project-update-new"),
    path(f"{PROJECT}outputs/", awards.project_outputs, name="project-outputs"),
    path(
        f"{PROJECT}outputs/<int:pk>/remove/",
        awards.project_output_remove,
        name="project-output-remove",
    ),
    # A funded project's progress reports, written by its team.
    path(f"{PROJECT}reports/", reports.project_reports, name="project-reports"),
    # Changes the team asks the Fund for.
    path(f"{PROJECT}changes/", changes.project_changes, name="project-changes"),
    path(f"{PROJECT}changes/<str:kind>/", changes.project_change_new, name="project-change-new"),
    path(REPORT, reports.project_report, name="project-report"),
    path(f"{REPORT}check/", reports.project_report_check, name="project-report-check"),
    path(
        f"{REPORT}confirmation/",
        reports.project_report_confirmation,
        name="project-report-confirmation",
    ),
    path(
        f"{REPORT}versions/<int:number>/",
        reports.project_report_version,
        name="project-report-version",
    ),
    path(
        f"{REPORT}<str:section>/",
        report_sections.project_report_section,
        name="project-report-section",
    ),
    # Expressions of interest.
    path(
        "funding/rounds/<slug:slug>/expression-of-interest/",
        eois.eoi_start,
        name="eoi-start",
    ),
    path(
        "funding/rounds/<slug:slug>/expression-of-interest/new/",
        eois.eoi_new,
        name="eoi-new",
    ),
    path(EOI, eois.eoi_detail, name="eoi-detail"),
    path(f"{EOI}details/", eois.eoi_details, name="eoi-details"),
    path(f"{EOI}partners/", eois.eoi_partners, name="eoi-partners"),
    path(
        f"{EOI}partners/<int:pk>/remove/",
        eois.eoi_partner_remove,
        name="eoi-partner-remove",
    ),
    path(f"{EOI}submit/", eois_submission.eoi_submit, name="eoi-submit"),
    path(f"{EOI}confirmation/", eois_submission.eoi_confirmation, name="eoi-confirmation"),
    path(f"{EOI}withdraw/", eois_submission.eoi_withdraw, name="eoi-withdraw"),
    path(f"{EOI}delete/", eois_submission.eoi_delete, name="eoi-delete"),
    # Applications.
    path(
        "funding/rounds/<slug:slug>/apply/",
        applications_start.application_start,
        name="application-start",
    ),
    path(
        "funding/rounds/<slug:slug>/apply/new/",
        applications_start.application_new,
        name="application-new",
    ),
    path(APPLICATION, applications.application_detail, name="application-detail"),
    path(
        f"{APPLICATION}sections/<str:section>/",
        applications.application_section,
        name="application-section",
    ),
    path(
        f"{APPLICATION}partners/",
        applications_partners.application_partners,
        name="application-partners",
    ),
    path(
        f"{APPLICATION}partners/<int:pk>/",
        applications_partners.application_partner_contact,
        name="application-partner-contact",
    ),
    path(
        f"{APPLICATION}partners/<int:pk>/resend/",
        applications_partners.application_partner_resend,
        name="application-partner-resend",
    ),
    path(
        f"{APPLICATION}partners/<int:pk>/remove/",
        applications_partners.application_partner_remove,
        name="application-partner-remove",
    ),
    path(f"{APPLICATION}history/", applications.application_history, name="application-history"),
    path(
        f"{APPLICATION}check/", applications_submission.application_check, name="application-check"
    ),
    path(
        f"{APPLICATION}confirmation/",
        applications_submission.application_confirmation,
        name="application-confirmation",
    ),
    path(
        f"{APPLICATION}withdraw/",
        applications_submission.application_withdraw,
        name="application-withdraw",
    ),
    path(
        f"{APPLICATION}delete/",
        applications_submission.application_delete,
        name="application-delete",
    ),
    # The outcome, once announced, and the grant offer.
    path(f"{APPLICATION}outcome/", awards.application_outcome, name="application-outcome"),
    path(
        f"{APPLICATION}outcome/accept/",
        awards.application_offer_accept,
        name="application-offer-accept",
    ),
    path(
        f"{APPLICATION}outcome/decline/",
        awards.application_offer_decline,
        name="application-offer-decline",
    ),
    path(
        f"{APPLICATION}outcome/decline/check/",
        awards.application_offer_decline_check,
        name="application-offer-decline-check",
    ),
    # A partner's contact confirms by emailed link; no account needed.
    path("funding/partners/confirm/", partners.partner_confirm, name="partner-confirm"),
]
