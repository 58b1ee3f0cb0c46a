"""The reference library in the admin.

Writers add and change references (or paste a citation to fill the form, or import a file);
only editors delete, and only a reference no revision cites. Deleting and importing go through
references.services, which enforce the same rules for the command line.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import smart_split, unescape_string_literal

from articles.models import Article, RevisionReference
from references import formatting, identifiers, services
from references.citations import find_citation_keys
from references.models import Reference
from references.nlm import CitationParseError, parse_nlm_citation

PASTE_SESSION_KEY = "references_pasted_citation"


class PasteCitationForm(forms.Form):
    citation = forms.CharField(
        label="Paste a citation",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 100}),
        help_text="One reference in NLM/PubMed style, e.g. copied from a PubMed page or a "
        "reference list. The form below is filled in for you to check before saving.",
    )


class ReferenceAdminForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Reference
        fields = [
            "key", "kind", "retracted", "author", "title", "container_title", "publisher",
            "year", "month", "day", "volume", "issue", "page", "doi", "pmid", "pmcid", "url",
            "accessed",
        ]  # fmt: skip
        help_texts = {
            "author": 'A list of names: [{"family": "Wiffen", "given": "PJ"}, '
            '{"literal": "World Health Organization"}] (a group author is a "literal").',
            "doi": "Paste it in any form (https://doi.org/…, doi:…); it is stored lower-case.",
        }

    def clean(self) -> dict:
        """A known identifier points the writer to the reference already in the library."""
        cleaned = super().clean()
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


class ImportReferencesForm(forms.Form):
    file = forms.FileField(
        label="BibTeX, RIS or CSL-JSON file",
        help_text="Sources already in the library (same DOI, PMID or PMCID) are reused. "
        f"At most {services.MAX_WEB_IMPORT_ENTRIES} entries a file; for a bigger library, split "
        "the file or use “manage.py import_references”. All or nothing: if an entry cannot be "
        "saved, nothing from the file is imported.",
    )


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
    ]
    list_filter = ["kind", "retracted", "year"]
    search_fields = ["key", "title", "author", "container_title", "doi", "pmid", "pmcid"]
    readonly_fields = [
        "vancouver_preview",
        "ama_preview",
        "citing_articles",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["key", "kind", "retracted"]}),
        (
            "Source",
            {
                "fields": [
                    "author",
                    "title",
                    "container_title",
                    "publisher",
                    ("year", "month", "day"),
                    ("volume", "issue", "page"),
                ]
            },
        ),
        ("Identifiers and links", {"fields": ["doi", "pmid", "pmcid", "url", "accessed"]}),
        (
            "How it prints and where it is cited",
            {"fields": ["vancouver_preview", "ama_preview", "citing_articles"]},
        ),
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

    @admin.display(description="cited by")
    def citing_articles(self, obj: Reference) -> str:
        if obj.pk is None:
            return "—"
        links = (
            RevisionReference.objects.filter(reference=obj)
            .select_related("revision__article")
            .order_by("revision__article__title", "revision__number")
        )
        rows: dict[int, tuple[Article, list[str]]] = {}
        for link in links:
            revision = link.revision
            state = "approved" if revision.approved_at else "submitted"
            entry = rows.setdefault(revision.article_id, (revision.article, []))
            entry[1].append(f"revision {revision.number} ({state}), reference {link.position}")
        drafts = [a for a in self._drafts_citing(obj) if a.pk not in rows]
        if not rows and not drafts:
            return "No article cites this reference."
        items = [
            (
                reverse("admin:articles_article_change", args=[article.pk]),
                article.title,
                "; ".join(notes),
            )
            for article, notes in rows.values()
        ]
        items += [
            (reverse("admin:articles_article_change", args=[a.pk]), a.title, "working copy only")
            for a in drafts
        ]
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", '<li><a href="{}">{}</a>: {}</li>', items),
        )

    @staticmethod
    def _drafts_citing(obj: Reference) -> list[Article]:
        """Working copies whose text cites this reference (by key or identifier)."""
        needles = [f"@{obj.key}"] + [v for v in (obj.pmid, obj.pmcid, obj.doi) if v]
        query = Q()
        for needle in needles:
            query |= Q(body__icontains=needle) | Q(professional_body__icontains=needle)
        wanted = {("key", obj.key), ("pmid", obj.pmid), ("pmcid", obj.pmcid), ("doi", obj.doi)}
        return [
            article
            for article in Article.objects.filter(query).only(
                "pk", "title", "body", "professional_body"
            )
            if any(
                (k.scheme, k.value) in wanted
                for k in find_citation_keys(f"{article.body}\n{article.professional_body}")
            )
        ]

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
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{prefix}_import"),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        extra_context = extra_context or {}
        pasted = request.session.get(PASTE_SESSION_KEY) if request.GET.get("from_paste") else None
        extra_context.update(
            paste_form=PasteCitationForm(initial={"citation": (pasted or {}).get("text", "")}),
            pasted=pasted,
        )
        return super().add_view(request, form_url, extra_context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        if request.GET.get("from_paste"):
            pasted = request.session.get(PASTE_SESSION_KEY) or {}
            initial.update(pasted.get("data", {}))
        return initial

    def paste_view(self, request: HttpRequest) -> HttpResponse:
        """Step 1 of adding by citation: parse it, then show the filled form to confirm."""
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
            parsed = parse_nlm_citation(text)
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
        existing = services.reference_find_by_identifiers(
            doi=parsed.doi or "", pmid=parsed.pmid or "", pmcid=parsed.pmcid or ""
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
        data = services.reference_data_from_citation(parsed)
        request.session[PASTE_SESSION_KEY] = {"text": text, "data": data, "et_al": parsed.et_al}
        return HttpResponseRedirect(f"{add_url}?from_paste=1")

    # --- import a file ------------------------------------------------------------------

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        report, error = None, None
        form = ImportReferencesForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = services.references_import(
                    file=form.cleaned_data["file"],
                    user=request.user,
                    max_entries=services.MAX_WEB_IMPORT_ENTRIES,  # keep within a worker's timeout
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
