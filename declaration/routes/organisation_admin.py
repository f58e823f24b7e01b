"""The organisation admin's pages, under the account: ``/account/organisations/<slug>/``."""

from django.urls import path

from declaration.views import organisation_admin as views

PREFIX = "account/organisations/<slug:slug>/"

urlpatterns = [
    path(f"{PREFIX}members/", views.organisation_members, name="organisation-members"),
    path(
        f"{PREFIX}members/<int:pk>/approve/",
        views.organisation_join_request_answer,
        {"answer": "approve"},
        name="organisation-member-approve",
    ),
    path(
        f"{PREFIX}members/<int:pk>/refuse/",
        views.organisation_join_request_answer,
        {"answer": "refuse"},
        name="organisation-member-refuse",
    ),
    path(
        f"{PREFIX}members/<int:pk>/remove/",
        views.organisation_member_remove,
        name="organisation-member-remove",
    ),
    path(f"{PREFIX}hand-over/", views.organisation_hand_over, name="organisation-hand-over"),
    path(f"{PREFIX}withdraw/", views.organisation_withdraw, name="organisation-withdraw"),
    path(
        f"{PREFIX}withdraw/confirmation/",
        views.organisation_withdrawn,
        name="organisation-withdrawn",
    ),
]
