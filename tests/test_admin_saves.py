"""Every admin page that saves a row does it through a service, audited: an admin that lets
a superuser add or change rows is a ``ServiceSaveMixin`` (or lets nobody edit a row by hand:
``ReadOnlyRowsMixin``, ``ViewOnlyMixin``), and an inline that lets them add, change or
delete rows belongs to an admin whose own ``save_related`` saves it, never Django's
``save_formset``. See the README's "Every change in the admin goes through a service"."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.sites import all_sites
from django.contrib.admin.utils import flatten_fieldsets
from django.test import RequestFactory

import localdigital.urls  # noqa: F401  (registers every admin)
from localdigital.admin_pages import ReadOnlyRowsMixin, ServiceSaveMixin, ViewOnlyMixin
from localdigital.public_cache import PublicContentAdminMixin
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

# Admins that save with plain Django, each with why.
EXCEPTIONS = {
    # Third-party admins, registered as their packages make them: staff groups and the
    # second factor's devices, which only superusers manage.
    "django.contrib.auth.admin.GroupAdmin",
    "django_otp.plugins.otp_totp.admin.TOTPDeviceAdmin",
    "django_otp.plugins.otp_static.admin.StaticDeviceAdmin",
}
# Admins that count as their own saves.
SERVICE_ADMINS = (ServiceSaveMixin, ReadOnlyRowsMixin, ViewOnlyMixin)
# Mixins whose ``save_related`` only passes the save on to Django's, after which they act.
PASS_THROUGH = (admin.ModelAdmin, PublicContentAdminMixin)


def _name(model_admin: Any) -> str:
    return f"{type(model_admin).__module__}.{type(model_admin).__qualname__}"


def _registered() -> list[tuple[type, admin.ModelAdmin]]:
    return [(model, ma) for site in all_sites for model, ma in site._registry.items()]


@pytest.fixture
def request_(rf: RequestFactory):
    request = rf.get("/")
    request.user = UserFactory.create(staff=True, is_superuser=True)
    return request


def _editable_inlines(request, model_admin, obj) -> list[Any]:
    """Return the inlines on ``obj``'s page with which a superuser adds, changes or deletes
    rows; an inline whose every field is read-only changes nothing."""
    editable = []
    for inline in model_admin.get_inline_instances(request, obj):
        fields = set(flatten_fieldsets(inline.get_fieldsets(request, obj)))
        typed = fields - set(inline.get_readonly_fields(request, obj))
        if (
            inline.has_add_permission(request, obj)
            or (inline.can_delete and inline.has_delete_permission(request, obj))
            or (inline.has_change_permission(request, obj) and typed)
        ):
            editable.append(inline)
    return editable


def _edits(request, model_admin, obj) -> bool:
    return model_admin.has_add_permission(request) or model_admin.has_change_permission(
        request, obj
    )


def test_the_exceptions_are_registered():
    assert {_name(ma) for _, ma in _registered()} >= EXCEPTIONS


def test_every_admin_that_saves_a_row_saves_it_through_a_service(request_):
    plain = [
        _name(ma)
        for model, ma in _registered()
        if _name(ma) not in EXCEPTIONS
        and not isinstance(ma, SERVICE_ADMINS)
        and _edits(request_, ma, model())
    ]

    assert plain == []


class _Formset:
    """What ``save_related`` reads of an inline's formset, with nothing typed in it."""

    def __init__(self, request: Any, inline: Any) -> None:
        self.model = inline.model
        self.prefix = inline.get_formset(request).get_default_prefix()
        self.deleted_objects: list[Any] = []
        self.new_objects: list[Any] = []
        self.changed_objects: list[Any] = []

    def save(self, commit: bool = True) -> list[Any]:
        return []

    def save_m2m(self) -> None:
        return None


class _Form:
    def __init__(self, obj: Any) -> None:
        self.instance = obj

    def save_m2m(self) -> None:
        return None


def test_every_inline_that_saves_rows_saves_them_through_a_service(request_, monkeypatch):
    plainly_saved: list[str] = []

    def save_formset(self, request, form, formset, change):
        plainly_saved.append(f"{_name(self)}: {formset.model.__name__}")

    monkeypatch.setattr(admin.ModelAdmin, "save_formset", save_formset)
    not_overridden = []
    for model, ma in _registered():
        obj = model()
        if _name(ma) in EXCEPTIONS or not _edits(request_, ma, obj):
            continue
        inlines = _editable_inlines(request_, ma, obj)
        if not inlines:
            continue
        saver = next(c for c in type(ma).__mro__ if "save_related" in vars(c))
        if saver in PASS_THROUGH or saver.__module__.startswith("django."):
            not_overridden.append(_name(ma))
            continue
        formsets = [_Formset(request_, inline) for inline in inlines]
        ma.save_related(request_, _Form(obj), formsets, True)

    assert not_overridden == []
    assert plainly_saved == []
