"""Importing signings staff recorded elsewhere, from a CSV file, in the signing admin."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core import signing as django_signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils.translation import ngettext

from declaration.models import SigningStatus
from declaration.services import signing_import
from localdigital.accounts.models import User
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_pages import admin_form_page

from ..errors import SigningImportConflict
from .forms import IMPORT_SALT, SigningImportConfirmForm, SigningImportUploadForm


class SigningImportMixin(admin.ModelAdmin):
    """What the signing admin does to import signings from a file: its page and its run."""

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_form_page(
                self,
                "import/",
                self.import_view,
                "declaration_signing_import",
                allowed=self.has_change_permission,
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV of signatories, check the dry run line by line, then import it."""
        staff = request_staff_user(request)
        upload_form = SigningImportUploadForm()
        confirm_form = None
        result = None
        if request.method == "POST" and "import" in request.POST:
            confirmed = SigningImportConfirmForm(request.POST)
            if not confirmed.is_valid():
                for error in confirmed.errors.get("token", []):
                    self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(request.path)
            result, confirm_form = self._import_run(
                request,
                rows=confirmed.rows,
                staff=staff,
                dry_run=False,
                source=confirmed.source,
                csv_text=confirmed.csv_text,
            )
            if result is not None and result.imported:
                count = ngettext("%d signatory", "%d signatories", len(result.lines))
                self.message_user(
                    request, f"Imported {count % len(result.lines)}.", messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:declaration_signing_changelist")
                    + f"?status={SigningStatus.PUBLISHED.value}"
                )
        elif request.method == "POST":
            upload_form = SigningImportUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                result, confirm_form = self._import_run(
                    request,
                    rows=upload_form.cleaned_data["file"],
                    staff=staff,
                    dry_run=True,
                    source=upload_form.source,
                    csv_text=upload_form.csv_text,
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import signatories",
            "upload_form": upload_form,
            "confirm_form": confirm_form,
            "result": result,
            "columns": signing_import.COLUMNS,
        }
        return TemplateResponse(request, "admin/declaration/signing/import.html", context)

    def _import_run(
        self,
        request: HttpRequest,
        *,
        rows: list[signing_import.SigningImportRow],
        staff: User,
        dry_run: bool,
        source: str,
        csv_text: str,
    ) -> tuple[signing_import.SigningImportResult | None, SigningImportConfirmForm | None]:
        """Run the import, or its dry run; return the result, and the form to import it."""
        try:
            result = signing_import.signings_import(
                rows=rows, imported_by=staff, dry_run=dry_run, source=source
            )
        except SigningImportConflict as error:
            self.message_user(request, str(error), messages.ERROR)
            return None, None
        if not result.is_valid:
            if not dry_run:
                self.message_user(
                    request,
                    "Nothing was imported: some lines are no longer valid. They are shown below.",
                    messages.ERROR,
                )
            return result, None
        token = django_signing.dumps(
            {"csv": csv_text, "source": source}, salt=IMPORT_SALT, compress=True
        )
        return result, SigningImportConfirmForm(initial={"token": token})
