"""How the admin's own pages are built, for every domain: the addresses of an admin's own
pages (``admin_page``, ``admin_form_page``, ``admin_button``) and the one page that asks for
one change (``form_page``); what a change page shows
besides its form (``ChangePageMixin``); admins for reading only (``ViewOnlyMixin``), whose
rows change only through services (``ReadOnlyRowsMixin``), or whose add and change pages
save through them (``ServiceSaveMixin``), and whose inlines do, a refusal shown where staff
typed (``InlineServiceSaveMixin``). The actions that staff run from a list or a
button are ``localdigital.admin_actions``. This module knows no domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial, wraps
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_POST, require_safe

from localdigital.errors import DomainError
from localdigital.http import require_safe_or_post


class ChangePageMixin(admin.ModelAdmin):
    """A change page that shows more than the object's form: buttons, what others did, a
    link onward. A subclass returns what its template needs for the object from
    ``change_page_context``; the page of an object that does not exist (or that the person
    may not see) is left to the admin, which sends them back to the list."""

    def change_page_context(self, request: HttpRequest, obj: Any) -> Mapping[str, Any]:
        """Return what the change page of ``obj`` shows besides the form."""
        return {}

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {})}
        if obj is not None:
            context.update(self._page_context(request, obj))
        return super().change_view(request, object_id, form_url, context)

    def _page_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {**self.change_page_context(request, obj)}


# Who may open one of an admin's own pages, asked of the request before the page is built.
Allowed = Callable[[HttpRequest], bool]


def permission_check(*permissions: str) -> Allowed:
    """Return the check that the person signed in holds every one of ``permissions``, for
    ``allowed``."""
    return lambda request: request.user.has_perms(permissions)


def _only_if(view: Callable[..., HttpResponseBase], allowed: Allowed | None) -> Callable[..., Any]:
    if allowed is None:
        return view

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not allowed(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


def _own_page(
    methods: Callable[[Callable[..., Any]], Callable[..., Any]],
    modeladmin: admin.ModelAdmin,
    route: str,
    view: Callable[..., HttpResponseBase],
    name: str,
    *,
    allowed: Allowed | None = None,
) -> URLPattern:
    """Return the address of one of an admin's own pages: behind the admin's sign-in and
    second factor, answering the ``methods`` given (else 405). ``route`` is under the
    model's admin, ``name`` under ``admin:``. Someone for whom ``allowed`` is false is
    refused (403) before the page is built."""
    return path(
        route, modeladmin.admin_site.admin_view(methods(_only_if(view, allowed))), name=name
    )


# A page that only shows something (a report, a ranking, a CSV file): GET and HEAD.
admin_page = partial(_own_page, require_safe)
# A page with a form: GET, HEAD and POST.
admin_form_page = partial(_own_page, require_safe_or_post)
# A button on one of an admin's pages, with no page of its own: POST only.
admin_button = partial(_own_page, require_POST)


# The page of an admin's own that asks for one change (``form_page``).
FORM_PAGE_TEMPLATE = "admin/form_page.html"


def form_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    title: str,
    form: forms.Form | None,
    submit: str,
    back_url: str,
    crumbs: Sequence[tuple[str, str]] = (),
    summary: Sequence[tuple[str, Any]] = (),
    intro: str = "",
    refusal: str = "",
    **extra: Any,
) -> TemplateResponse:
    """Return one of an admin's own pages asking for one change: what it is about above the
    form, an error summary at the top and each error beside its field. ``crumbs`` are
    (address, label) pairs after the model's list; ``summary`` (label, value) rows say what
    the change is about; a ``refusal`` says why the change cannot be made now, in place of
    the form."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": title,
        "form": form if not refusal else None,
        "submit": submit,
        "back_url": back_url,
        "crumbs": crumbs,
        "summary": summary,
        "intro": intro,
        "refusal": refusal,
        "media": (modeladmin.media + form.media) if form is not None else modeladmin.media,
        **extra,
    }
    return TemplateResponse(request, FORM_PAGE_TEMPLATE, context)


def saved_as(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's ``obj`` the row that a service saved, field by field, with no query.

    The admin goes on with ``obj`` after ``save_model`` (it saves the inlines against it,
    logs it, names it in its message and redirects to it), so ``obj`` must be what the
    service wrote: its key on an add, and whatever the service set (times, who did it)."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


# What a change page whose form has nothing to save is given, to take its Save buttons off.
NO_SAVE_BUTTONS: Mapping[str, bool] = {
    "show_save": False,
    "show_save_and_continue": False,
    "show_save_and_add_another": False,
}


def without_save_buttons(context: dict[str, Any]) -> None:
    """Take the Save buttons off a change page whose form has nothing to save."""
    context.update(NO_SAVE_BUTTONS)


class ViewOnlyMixin(admin.ModelAdmin):
    """An admin for reading only: nobody adds, changes or deletes a row here, so Django shows
    each row's page as "View …", every field read-only and no Save buttons. Its actions
    still run, each with the permissions it names."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyRowsMixin(admin.ModelAdmin):
    """An admin whose rows staff never add, delete or edit by hand: every field is read-only,
    and the rows change only through the services, by the people they belong to or by the
    admin's actions. Its change page saves nothing of the row itself (its inlines still
    save), so without inlines it has no Save buttons and is titled "View progress report";
    its list is titled by what it lists ("Progress reports"), not Django's "Select progress
    report to change"."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        title = capfirst(str(self.opts.verbose_name_plural))
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        return None

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if not context.get("inline_admin_formsets"):
            without_save_buttons(context)
            # Nothing here is saved, so the page is not "Change progress report".
            context["title"] = f"View {self.opts.verbose_name}"
        return super().render_change_form(request, context, add, change, form_url, obj)


# Where the admins that save through services keep, on the request, what a service refused
# while the page is built again: the prefix of the inline it was about (``None`` for the
# object's own form) and the words staff read.
_REFUSAL = "_service_refusal"


def _refused(form_class: Any, reason: str) -> Any:
    """Return ``form_class`` (a form's or an inline's formset's) with the service's
    ``reason`` as an error of the whole form, above what was typed."""

    class Refused(form_class):
        def clean(self) -> Any:
            super().clean()
            raise ValidationError(reason, code="refused")

    return Refused


class RefusalOnThePageMixin(admin.ModelAdmin):
    """Show a service's refusal of a save where staff typed what it refused, every value
    posted kept: never a redirect that loses them, nor an error page.

    The admin saves a page in one transaction, which the refusal (a ``DomainError``) rolls
    back; the page is then built again from what was posted, with the reason above the form
    or the inline it is about (and so the page's "correct the error below"), and nothing is
    saved that time. ``ServiceSaveMixin`` and ``InlineServiceSaveMixin`` say which.
    """

    def refusal_note(self, request: HttpRequest, prefix: str | None, reason: str) -> None:
        """Remember, for the page built again, that a service refused the form (``prefix``
        ``None``) or the inline with ``prefix``, and why."""
        setattr(request, _REFUSAL, (prefix, reason))

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError:
            if getattr(request, _REFUSAL, None) is None:
                raise
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal: tuple[str | None, str] | None = getattr(request, _REFUSAL, None)
        return _refused(form, refusal[1]) if refusal and refusal[0] is None else form

    def get_formsets_with_inlines(self, request: HttpRequest, obj: Any = None) -> Iterator[Any]:
        refusal: tuple[str | None, str] | None = getattr(request, _REFUSAL, None)
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if refusal is not None and formset.get_default_prefix() == refusal[0]:
                formset = _refused(formset, refusal[1])
            yield formset, inline


class ServiceSaveMixin(RefusalOnThePageMixin):
    """An admin whose add and change pages save through the domain's services, so that the
    write is checked, audited and followed up like any other.

    A subclass says how in ``save_through_service``, which returns the row saved; the form
    has validated what was typed, and ``save_model`` then makes the admin's object that row
    (``saved_as``). The service's refusal (a ``DomainError``) is shown above the form, with
    what was typed kept (``RefusalOnThePageMixin``), in ``refused_save``'s words where the
    admin gives them (the reason in them as ``{error}``).
    """

    refused_save: str | None = None

    def save_through_service(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> models.Model:
        """Save the form's object through a service, and return the row saved."""
        raise NotImplementedError(f"{type(self).__name__} must say how it saves.")

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Delete as Django does, through the admin's ``delete_model`` (which calls the
        service); a refusal (for what changed since the page opened, say) is said on the
        object's page: "Nothing was deleted", and why."""
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            self.message_user(request, f"Nothing was deleted. {error}", messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            saved = self.save_through_service(request, obj, form, change)
        except DomainError as error:
            words = self.refused_save.format(error=error) if self.refused_save else str(error)
            self.refusal_note(request, None, words)
            raise
        saved_as(obj, saved)


class InlineServiceSaveMixin(RefusalOnThePageMixin):
    """An admin whose inlines save through the domain's services: ``save_related`` saves
    such an inline with ``inline_save(request, formset, save)``, where ``save`` calls the
    service, and a refusal is shown above that inline (``RefusalOnThePageMixin``)."""

    def inline_save(self, request: HttpRequest, formset: Any, save: Callable[[], object]) -> None:
        """Run ``save``, which saves ``formset`` through a service; remember a refusal for
        the page built again, and let it roll the page back."""
        try:
            save()
        except DomainError as error:
            self.refusal_note(request, formset.prefix, str(error))
            raise
