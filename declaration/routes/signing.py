"""The signing journey: /declaration/sign/ and the pages under it."""

from django.urls import path

from declaration.views import signing, signing_check, signing_join

urlpatterns = [
    path("declaration/sign/", signing.sign_start, name="sign-start"),
    # A signing not started yet: its first answer, the organisation, starts the draft.
    path("declaration/sign/new/", signing.sign_new, name="sign-new"),
    path(
        "declaration/sign/new/organisation-details/",
        signing.sign_new_organisation_details,
        name="sign-new-organisation-details",
    ),
    # Organisations before references, so that no reference can shadow these pages.
    path(
        "declaration/sign/organisations/<slug:slug>/",
        signing_join.sign_already_signed,
        name="sign-already-signed",
    ),
    path(
        "declaration/sign/organisations/<slug:slug>/join/", signing_join.sign_join, name="sign-join"
    ),
    path(
        "declaration/sign/organisations/<slug:slug>/join/confirmation/",
        signing_join.sign_joined,
        name="sign-joined",
    ),
    path(
        "declaration/sign/<str:reference>/organisation/",
        signing.sign_organisation,
        name="sign-organisation",
    ),
    path(
        "declaration/sign/<str:reference>/organisation-details/",
        signing.sign_organisation_details,
        name="sign-organisation-details",
    ),
    path("declaration/sign/<str:reference>/role/", signing.sign_role, name="sign-role"),
    path(
        "declaration/sign/<str:reference>/senior-leader/",
        signing.sign_senior_leader,
        name="sign-senior-leader",
    ),
    path(
        "declaration/sign/<str:reference>/digital-lead/",
        signing.sign_digital_lead,
        name="sign-digital-lead",
    ),
    path("declaration/sign/<str:reference>/project/", signing.sign_project, name="sign-project"),
    path("declaration/sign/<str:reference>/check/", signing_check.sign_check, name="sign-check"),
    path(
        "declaration/sign/<str:reference>/confirmation/",
        signing_check.sign_confirmation,
        name="sign-confirmation",
    ),
    path("declaration/sign/<str:reference>/delete/", signing_check.sign_delete, name="sign-delete"),
    path(
        "declaration/sign/<str:reference>/withdraw/",
        signing_check.sign_withdraw,
        name="sign-withdraw",
    ),
    # What a submitted signing said, read only, for its signer and its organisation's members.
    path(
        "declaration/signings/<str:reference>/", signing_check.signing_detail, name="signing-detail"
    ),
]
