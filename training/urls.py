"""The training app's URLs: the public courses (``/training/`` in the URL contract), and a
person's own enrolments and offers under their account. ``training.links`` names the
paths that emails link to; these patterns match them."""

from django.urls import path

from training.views import account, calendar, enrolment, public

app_name = "training"

ENROLMENT = "account/training/enrolments/<int:pk>/"

urlpatterns = [
    path("training/", public.course_list, name="course-list"),
    path("training/<slug:slug>/", public.course_detail, name="course-detail"),
    path("training/<slug:slug>/cohorts/<int:pk>/enrol/", enrolment.enrol, name="enrol"),
    path(
        "training/<slug:slug>/cohorts/<int:pk>/enrol/check/",
        enrolment.enrol_check,
        name="enrol-check",
    ),
    path(ENROLMENT, account.enrolment_detail, name="enrolment-detail"),
    path(
        f"{ENROLMENT}confirmation/",
        enrolment.enrolment_confirmation,
        name="enrolment-confirmation",
    ),
    path(f"{ENROLMENT}cancel/", account.enrolment_cancel_view, name="enrolment-cancel"),
    path(f"{ENROLMENT}certificate/", account.certificate, name="certificate"),
    path(f"{ENROLMENT}calendar.ics", calendar.enrolment_calendar, name="enrolment-calendar"),
    path("account/training/offers/<int:pk>/", account.offer_answer, name="offer"),
]
