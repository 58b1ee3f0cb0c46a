"""The reference library in the admin.

Writers add and change references (or paste a citation to fill the form, or import a file);
only editors delete, and only a reference no revision cites. Deleting and importing go through
references.services, which enforce the same rules for the command line.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django_ratelimit.core import is_ratelimited

from core import text_limits
from people import roles
from references import exchange, formatting, identifiers, selectors, services
from references.models import Reference, ReferenceEvent, SourcePolicy
from references.nlm import MAX_CITATION_LENGTH, CitationParseError
from references.vocabulary import nlm_name
from references.widgets import AuthorsField

PASTE_SESSION_KEY = "references_pasted_citation"


class PasteCitationForm(forms.Form):
    citation = forms.CharField(
        label="Paste a citation",
        max_length=MAX_CITATION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 100}),
        help_text="One reference in NLM/PubMed style, e.g. copied from a PubMed page or a "
        "reference list. The form below is filled in for you to check before saving.",
    )


class ReferenceAdminForm(forms.ModelForm):
    author = AuthorsField(
        label="Authors",
        required=False,
        help_text="In the order the source lists them. A person: family name, then given names "
        "or initials (“Wiffen”, “PJ”); a group author: choose “Organisation”.",
    )
    url = forms.URLField(label="URL", max_length=500, required=False, assume_scheme="https")
    retraction_note = forms.CharField(
        label="Why (retraction notice)",
        required=False,
        max_length=text_limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Required when you tick or untick “retracted”: e.g. the retraction notice's "
        "citation or DOI. Kept on record and sent to editors and the board.",
    )

    class Meta:
        model = Reference
        fields = [
            "key", "kind", "retracted", "author", "title", "container_title", "publisher",
            "year", "month", "month_printed", "day", "volume", "issue", "page", "doi", "pmid",
            "pmcid", "url",
            "accessed", "superseded_by",
        ]  # fmt: skip
        help_texts = {
            "doi": "Paste it in any form (https://doi.org/…, doi:…); it keeps the case you give it "
            "and matches in any case.",
        }

    def clean(self) -> dict:
        """A known identifier points the writer to the reference already in the library."""
        cleaned = super().clean()
        if "retracted" in self.changed_data and not (cleaned.get("retraction_note") or "").strip():
            self.add_error(
                "retraction_note", "Say why the retraction state changes: it is kept on record."
            )
        probes = (
            ("doi", identifiers.normalize_doi),
            ("pmid", identifiers.normalize_pmid),
            ("pmcid", identifiers.normalize_pmcid),
        )
        for name, normalize in probes:
            value = normalize(cleaned.get(name) or "")
            if not value:
                continue
            existing = Reference.objects.with_identifier(**{name: value})
            if self.instance.pk:
                existing = existing.exclude(pk=self.instance.pk)
            found = existing.first()
            if found is not None:
                url = reverse("admin:references_reference_change", args=[found.pk])
                self.add_error(
                    name,
                    ValidationError(
                        format_html(
                            'Already in the library as <a href="{}">{}</a>: cite it as [@{}] '
                            "instead of adding it again.",
                            url,
                            found.key,
                            found.key,
                        ),
                        code="duplicate",
                    ),
                )
        return cleaned


class InlineSourceForm(ReferenceAdminForm):
    """A new source added from the article editor's citation picker, after the writer has
    checked what was read from their citation (the paste box's services and checks)."""

    class Meta(ReferenceAdminForm.Meta):
        fields = [
            "key", "kind", "author", "title", "container_title", "publisher", "year", "month",
            "day", "volume", "issue", "page", "doi", "pmid", "pmcid", "url", "accessed",
        ]  # fmt: skip
        widgets = {"title": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def __init__(self, *args, **kwargs):
        # Ids of its own: it sits beside the article's form (which has its own id_title).
        kwargs.setdefault("auto_id", "source-%s")
        super().__init__(*args, **kwargs)


def citation_row(reference: Reference) -> dict:
    """A source as the citation picker lists it."""
    authors = [nlm_name(a) for a in (reference.author or [])[:3]]
    if len(reference.author or []) > 3:
        authors.append("et al.")
    return {
        "key": reference.key,
        "kind": reference.get_kind_display(),
        "authors": ", ".join(authors),
        "title": reference.title,
        "container": reference.container_title,
        "year": reference.year,
        "doi": reference.doi,
        "pmid": reference.pmid,
        "retracted": reference.retracted,
    }


def _throttled(request: HttpRequest) -> bool:
    return is_ratelimited(
        request,
        group="references.cite",
        key="user",
        rate=lambda group, request: settings.VETTED_CITE_SEARCH_RATE,
        increment=True,
    )


_THROTTLED = {"error": "Too many searches in a short time; wait a moment and type again."}


class ImportReferencesForm(forms.Form):
    file = forms.FileField(
        label="BibTeX, RIS or CSL-JSON file",
        help_text="Sources already in the library (same DOI, PMID or PMCID) are reused. "
        f"At most {exchange.MAX_IMPORT_ENTRIES} entries and "
        f"{exchange.MAX_IMPORT_BYTES // (1024 * 1024)} MB a file; split a bigger library. "
        "All or nothing: if an entry cannot be saved, nothing from the file is imported.",
    )


def source_check_label(reference: Reference) -> str:
    """When check_sources last looked and what it found ("2026-11-30 04:00 (no notices)")."""
    if reference.last_checked_at is None:
        return "never"
    when = timezone.localtime(reference.last_checked_at).strftime("%Y-%m-%d %H:%M")
    outcome = reference.last_check_outcome or "checked"
    return f"{when} ({outcome})"


_FIELD_LABELS = {
    "kind": "Kind",
    "author": "Authors",
    "title": "Title",
    "container_title": "Journal / issuing body",
    "publisher": "Publisher",
    "year": "Year",
    "month": "Month",
    "month_printed": "Month as printed",
    "day": "Day",
    "volume": "Volume",
    "issue": "Issue",
    "page": "Pages",
    "doi": "DOI",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "url": "URL",
}


def _shown(name: str, value) -> str:
    if value in (None, "", []):
        return ""
    if name == "author":
        return "; ".join(nlm_name(a) for a in value)
    if name == "kind":
        return Reference.Kind(value).label if value in Reference.Kind.values else str(value)
    return str(value)


def comparison_rows(pasted: services.PastedSource, choices: dict[str, str]) -> list[dict]:
    """One row per field: the parsed value, the looked-up value, the parser's warnings, and
    which of the two fills the form (the writer's pick, else the looked-up one if any)."""
    parsed, fetched = pasted.parsed or {}, pasted.looked_up or {}
    rows = []
    for name in services.COMPARED_FIELDS:
        left, right = _shown(name, parsed.get(name)), _shown(name, fetched.get(name))
        if not (left or right or pasted.warnings.get(name)):
            continue
        use = choices.get(name) or ("lookup" if right else "parsed")
        rows.append(
            {
                "name": name,
                "label": _FIELD_LABELS[name],
                "parsed": left,
                "lookup": right,
                "differ": bool(left and right and left.casefold() != right.casefold()),
                "warnings": pasted.warnings.get(name, []),
                "use": use,
            }
        )
    return rows


def _normalised_search(term: str) -> str:
    """A pasted "https://doi.org/10.1002/X", "doi:…", "PMID: 123" searches as the stored form."""
    stripped = term.strip()
    lowered = stripped.lower()
    if "10." in lowered and ("doi" in lowered or lowered.startswith("10.")):
        try:
            identifiers.validate_doi(stripped)
        except ValidationError:
            return term
        return identifiers.normalize_doi(stripped)
    if lowered.startswith("pmid"):
        return identifiers.normalize_pmid(stripped)
    if lowered.startswith("pmc"):
        return identifiers.normalize_pmcid(stripped)
    return term


def _search_words(term: str) -> list[str]:
    """The words the admin searches for, as Django splits them ("quoted phrases" kept)."""
    words = []
    for bit in smart_split(term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        words.append(bit)
    return words


def _json_escaped(text: str) -> str:
    """`text` as it appears inside a JSON string: 'Müller' -> 'M\\u00fcller'."""
    return json.dumps(text)[1:-1]


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    form = ReferenceAdminForm
    list_display = [
        "key",
        "kind",
        "short_title",
        "container_title",
        "year",
        "doi",
        "pmid",
        "cited_in",
        "last_checked",
    ]
    list_filter = ["kind", "retracted", "last_check_outcome", "year"]
    search_fields = ["key", "title", "author", "container_title", "doi", "pmid", "pmcid"]
    autocomplete_fields = ["superseded_by"]
    readonly_fields = [
        "vancouver_preview",
        "ama_preview",
        "last_check",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "key",
                    "kind",
                    "retracted",
                    "retraction_note",
                    "superseded_by",
                    "last_check",
                ]
            },
        ),
        (
            "Source",
            {
                "fields": [
                    "author",
                    "title",
                    "container_title",
                    "publisher",
                    ("year", "month", "month_printed", "day"),
                    ("volume", "issue", "page"),
                ]
            },
        ),
        ("Identifiers and links", {"fields": ["doi", "pmid", "pmcid", "url", "accessed"]}),
        ("How it prints", {"fields": ["vancouver_preview", "ama_preview"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    # --- lists and search ---------------------------------------------------------------

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .annotate(
                citing_article_count=Count("revision_links__revision__article", distinct=True)
            )
        )

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        search_term = _normalised_search(search_term)
        words = _search_words(search_term)
        if all(_json_escaped(word) == word for word in words):
            return super().get_search_results(request, queryset, search_term)
        # A word like "Müller": SQLite stores JSON (the authors) with \uXXXX escapes, so the
        # author field is also searched for the word as JSON spells it. Django's own search,
        # word by word (every word must match some field), plus that one extra lookup.
        fields = [f"{name}__icontains" for name in self.get_search_fields(request)]
        for word in words:
            query = Q.create([(field, word) for field in fields], connector=Q.OR)
            for variant in {word, word.lower(), word.upper(), word.capitalize()}:
                if _json_escaped(variant) != variant:
                    query |= Q(author__icontains=_json_escaped(variant))
            queryset = queryset.filter(query)
        return queryset, False

    @admin.display(description="title", ordering="title")
    def short_title(self, obj: Reference) -> str:
        return obj.title if len(obj.title) <= 90 else f"{obj.title[:88]}…"

    @admin.display(description="last checked", ordering="last_checked_at")
    def last_checked(self, obj: Reference) -> str:
        return source_check_label(obj)

    @admin.display(description="cited in (articles)", ordering="citing_article_count")
    def cited_in(self, obj: Reference) -> int:
        return getattr(obj, "citing_article_count", 0)

    # --- change page --------------------------------------------------------------------

    @admin.display(description="NLM / Vancouver")
    def vancouver_preview(self, obj: Reference) -> str:
        return formatting.vancouver(obj) if obj.pk else "—"

    @admin.display(description="AMA")
    def ama_preview(self, obj: Reference) -> str:
        return formatting.ama(obj) if obj.pk else "—"

    @admin.display(description="last checked")
    def last_check(self, obj: Reference) -> str:
        return source_check_label(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Reference | None = None):
        fields = list(super().get_readonly_fields(request, obj))
        if not selectors.can_change_retraction(request.user):
            # Only editors: the mark shows on every live page citing the source at once.
            fields += ["retracted", "retraction_note"]
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Reference | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if selectors.can_change_retraction(request.user):
            return fieldsets
        first = [f for f in fieldsets[0][1]["fields"] if f != "retraction_note"]
        return [(None, {"fields": first}), *fieldsets[1:]]

    def save_model(self, request: HttpRequest, obj: Reference, form, change: bool) -> None:
        """Save the fields; a retraction change goes through set_retraction (editors only)."""
        wanted = obj.retracted
        if obj.pk is not None:
            obj.retracted = Reference.objects.values_list("retracted", flat=True).get(pk=obj.pk)
        else:
            obj.retracted = False
        super().save_model(request, obj, form, change)
        if wanted != obj.retracted:
            services.set_retraction(
                reference=obj,
                user=request.user,
                retracted=wanted,
                note=form.cleaned_data.get("retraction_note", ""),
            )
            obj.refresh_from_db()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id is not None:
            reference = self.get_object(request, object_id)
            if reference is not None:
                extra_context["source_events"] = selectors.source_events(reference)[:20]
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            if request.method != "POST":
                raise
        # Two people saved the same DOI or PMID at once and the other save won. Validating the
        # form again now finds that row and says so, as for any known identifier.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            self.message_user(
                request,
                "Another person saved a source with the same key or identifier at the same "
                "moment. Nothing was saved; check the library and try again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    # --- permissions and deleting -------------------------------------------------------

    def has_delete_permission(self, request: HttpRequest, obj: Reference | None = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or services.reference_delete_problem(obj) is None

    def delete_model(self, request: HttpRequest, obj: Reference) -> None:
        services.reference_delete(reference=obj, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for reference in queryset:
            try:
                services.reference_delete(reference=reference, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
                )

    # --- paste a citation ---------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("paste/", self.admin_site.admin_view(self.paste_view), name=f"{prefix}_paste"),
            path(
                "paste/choose/",
                self.admin_site.admin_view(self.paste_choose_view),
                name=f"{prefix}_paste_choose",
            ),
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{prefix}_import"),
            path(
                "cite/search/",
                self.admin_site.admin_view(self.cite_search_view),
                name=f"{prefix}_cite_search",
            ),
            path(
                "cite/read/",
                self.admin_site.admin_view(self.cite_read_view),
                name=f"{prefix}_cite_read",
            ),
            path(
                "cite/add/",
                self.admin_site.admin_view(self.cite_add_view),
                name=f"{prefix}_cite_add",
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def _pasted(request: HttpRequest) -> tuple[services.PastedSource | None, dict[str, str]]:
        stored = request.session.get(PASTE_SESSION_KEY) if request.GET.get("from_paste") else None
        if not stored or "pasted" not in stored:
            return None, {}
        return services.PastedSource(**stored["pasted"]), stored.get("choices") or {}

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        extra_context = extra_context or {}
        pasted, choices = self._pasted(request)
        extra_context.update(
            paste_form=PasteCitationForm(initial={"citation": pasted.text if pasted else ""}),
            pasted=pasted,
            comparison=comparison_rows(pasted, choices) if pasted else [],
        )
        return super().add_view(request, form_url, extra_context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        pasted, choices = self._pasted(request)
        if pasted is not None:
            initial.update(pasted.chosen(choices))
        return initial

    def paste_view(self, request: HttpRequest) -> HttpResponse:
        """Step 1 of adding by citation: parse it and look it up, then show both to choose from."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        add_url = reverse("admin:references_reference_add")
        if request.method != "POST":
            return HttpResponseRedirect(add_url)
        form = PasteCitationForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Paste a citation first.", messages.ERROR)
            return HttpResponseRedirect(add_url)
        text = form.cleaned_data["citation"]
        try:
            pasted = services.read_pasted_source(text=text)
        except CitationParseError as exc:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Paste a citation",
                "paste_form": form,
                "error": str(exc),
            }
            return TemplateResponse(
                request, "admin/references/reference/paste_error.html", context, status=400
            )
        ids = {**(pasted.parsed or {}), **(pasted.looked_up or {})}
        existing = services.reference_find_by_identifiers(
            doi=ids.get("doi", ""), pmid=ids.get("pmid", ""), pmcid=ids.get("pmcid", "")
        )
        if existing is not None:
            self.message_user(
                request,
                format_html(
                    "This source is already in the library as “{}”; cite it as [@{}].",
                    existing.title,
                    existing.key,
                ),
                messages.INFO,
            )
            return HttpResponseRedirect(
                reverse("admin:references_reference_change", args=[existing.pk])
            )
        request.session[PASTE_SESSION_KEY] = {"pasted": asdict(pasted), "choices": {}}
        return HttpResponseRedirect(f"{add_url}?from_paste=1")

    def paste_choose_view(self, request: HttpRequest) -> HttpResponse:
        """Step 2: the writer takes, field by field, the parsed or the looked-up value."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        add_url = reverse("admin:references_reference_add")
        stored = request.session.get(PASTE_SESSION_KEY)
        if request.method != "POST" or not stored:
            return HttpResponseRedirect(add_url)
        choices = {
            name: request.POST[f"use_{name}"]
            for name in services.COMPARED_FIELDS
            if request.POST.get(f"use_{name}") in ("parsed", "lookup")
        }
        request.session[PASTE_SESSION_KEY] = {**stored, "choices": choices}
        return HttpResponseRedirect(f"{add_url}?from_paste=1")

    # --- the article editor's citation picker -----------------------------------------

    def cite_search_view(self, request: HttpRequest) -> HttpResponse:
        """GET ?q=…: sources matching by key, author, title, year, DOI or PMID (JSON)."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        if _throttled(request):
            return JsonResponse(_THROTTLED, status=429)
        found = selectors.search_library(request.GET.get("q", ""))
        return JsonResponse({"results": [citation_row(reference) for reference in found]})

    def cite_read_view(self, request: HttpRequest) -> HttpResponse:
        """POST a pasted citation, DOI or PMID: the source already in the library, or the
        fields read from it (and looked up) in a form to check before adding it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        if _throttled(request):
            return JsonResponse(_THROTTLED, status=429)
        text = (request.POST.get("citation") or "").strip()
        if not text:
            return JsonResponse({"error": "Paste a citation, a DOI or a PMID first."}, status=400)
        try:
            pasted = services.read_pasted_source(text=text)
        except CitationParseError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        ids = {**(pasted.parsed or {}), **(pasted.looked_up or {})}
        existing = services.reference_find_by_identifiers(
            doi=ids.get("doi", ""), pmid=ids.get("pmid", ""), pmcid=ids.get("pmcid", "")
        )
        if existing is not None:
            return JsonResponse({"existing": citation_row(existing)})
        form = InlineSourceForm(initial=pasted.chosen())
        return JsonResponse({"html": self._inline_source_html(request, form, pasted)})

    def cite_add_view(self, request: HttpRequest) -> HttpResponse:
        """POST the checked fields: the new source (or the library's, should one with the
        same identifier have been added meanwhile), or the form again with its errors."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InlineSourceForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                reference, created = services.reference_get_or_create(data=data)
            except ValidationError as exc:
                for field_name, errors in getattr(exc, "error_dict", {"__all__": exc}).items():
                    form.add_error(None if field_name == "__all__" else field_name, errors)
            else:
                return JsonResponse({"reference": citation_row(reference), "created": created})
        return JsonResponse({"html": self._inline_source_html(request, form, None)}, status=400)

    def _inline_source_html(self, request: HttpRequest, form, pasted) -> str:
        warnings = pasted.warnings if pasted else {}
        rows = [(field, warnings.get(field.name, [])) for field in form]
        return render_to_string(
            "admin/references/reference/_inline_source.html",
            {"form": form, "pasted": pasted, "warnings": warnings, "rows": rows},
            request=request,
        )

    # --- import a file ------------------------------------------------------------------

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        report, error = None, None
        form = ImportReferencesForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = services.references_import(
                    file=form.cleaned_data["file"], user=request.user
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import references",
            "form": form,
            "report": report,
            "error": error,
        }
        return TemplateResponse(request, "admin/references/reference/import.html", context)


@admin.register(ReferenceEvent)
class ReferenceEventAdmin(admin.ModelAdmin):
    """The record of retraction marks, corrections and concerns: read-only, never edited."""

    list_display = ["created_at", "reference", "kind", "origin", "actor", "note"]
    list_filter = ["kind", "origin"]
    list_select_related = ["reference", "actor"]
    search_fields = ["reference__key", "reference__title", "note", "notice"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("references.view_reference")


@admin.register(SourcePolicy)
class SourcePolicyAdmin(admin.ModelAdmin):
    """The one row of rules for sources at submission: editors change it, staff read it."""

    fields = ["block_unexplained_retractions", "explanation_phrases", "updated_at"]
    readonly_fields = ["updated_at"]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # One row: the list is that row's form (or, before any editor saved it, the add form).
        if SourcePolicy.objects.filter(pk=SourcePolicy.SINGLETON_PK).exists():
            url = reverse("admin:references_sourcepolicy_change", args=[SourcePolicy.SINGLETON_PK])
        else:
            url = reverse("admin:references_sourcepolicy_add")
        return HttpResponseRedirect(url)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return roles.is_editor(request.user) and not SourcePolicy.objects.exists()

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return roles.is_editor(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)
