"""The content admin: topics, site pages, readers' messages and votes, and the article
editor's content-only pieces (the form, its evidence sections, revisions).

Article itself is registered by reviews.admin, whose editorial admin builds on
ArticleContentAdmin here and adds the review workflow: its buttons, screens and history.
Articles never import reviews.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.db.models import Count, Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from articles import evidence
from articles import services as content_services
from articles.admin_form import TOKEN_FIELDS, ArticleAdminForm
from articles.models import (
    Article,
    ArticleFeedback,
    ArticleRevision,
    ArticleSection,
    ContactMessage,
    SitePage,
    Topic,
)
from articles.states import SUBMITTABLE, WITH_THE_BOARD, Status
from articles.submission import check_submission
from articles.widgets import ArticleEditorWidget
from core.admin_widgets import SafeAutocompleteMixin
from core.paging import BoundedPaginator
from people import roles
from people.names import display_name
from references.links import safe_url

User = get_user_model()

CONTENT_FIELDS = (
    "title",
    "slug",
    "summary",
    "topic",
    "subject_name",
    "subject_type",
    "body",
    "professional_body",
    "group_references",
    "audience_notes",
)
# The largest position the database keeps (a smallint); sections are renumbered 1, 2, 3 …
POSITION_MAX = 32767
# Offered once an article is live: an edit may correct it, with a note for readers.
CORRECTION_FIELDS = ("is_correction", "correction_note")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "required_approvals", "required_specialty", "review_interval_months"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    verbose_name_plural = "Revisions"
    fields = [
        "number",
        "title",
        "created_by",
        "created_at",
        "approved_at",
        "last_reviewed_at",
        "next_review_due",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class SectionForm(forms.ModelForm):
    """One evidence section. Its position may be left empty: the section then goes after
    the others (articles.services numbers the sections when they are saved)."""

    position = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=POSITION_MAX,
        help_text="Sections are shown in this order (smallest first). Leave it empty to put "
        "the section last.",
    )

    class Meta:
        model = ArticleSection
        fields = ["position", "kind", "heading", "audience", "body"]

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0

    def has_changed(self) -> bool:
        # A new row's position is filled in for the writer: with nothing else it is blank.
        if self.instance.pk is None:
            return any(name != "position" for name in self.changed_data)
        return super().has_changed()


class SectionFormSet(BaseInlineFormSet):
    """A post without the sections' rows (a script, or a form that leaves them out)
    leaves the sections as they are, rather than failing the whole save. A row added with
    "Add another" starts at the position after the last section."""

    def __init__(self, data=None, files=None, *args, **kwargs):
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        super().__init__(data, files, *args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None:  # the empty row the admin copies for "Add another"
            kwargs["initial"] = {**kwargs.get("initial", {}), "position": self.next_position}
        return kwargs

    @cached_property
    def next_position(self) -> int:
        if self.instance.pk is None:
            return 1
        last = self.instance.sections.aggregate(last=models.Max("position"))["last"]
        return (last or 0) + 1


class SectionInline(admin.StackedInline):
    """Evidence sections ("From the guidelines" …): ordered by their position, each for
    the patient page, the professional page or both. Saved through
    ArticleContentAdmin.save_sections, like the body."""

    model = ArticleSection
    form = SectionForm
    formset = SectionFormSet
    fields = ["position", "kind", "heading", "audience", "body"]
    extra = 0
    max_num = evidence.MAX_SECTIONS
    ordering = ["position", "pk"]
    verbose_name = "evidence section"
    verbose_name_plural = "Evidence sections (shown after the body, in order of position)"
    formfield_overrides = {
        # The same editor as the body: cite and image pickers at the cursor.
        models.TextField: {"widget": ArticleEditorWidget(attrs={"rows": 10})},
    }

    def _editable(self, request, obj) -> bool:
        return obj is None or (
            obj.status not in WITH_THE_BOARD
            and obj.status != Status.ARCHIVED
            and roles.can_edit_content(obj, request.user)
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return True


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record written by the workflow only (revisions, and reviews' record of reviews):
    each person sees the record of the articles they may see (writers: their own).

    The record grows with every article: lists count only up to a cap and never the
    whole table, and those who see everything are not filtered by every article's id.
    """

    article_lookup = "article"
    show_full_result_count = False
    paginator = BoundedPaginator

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if roles.sees_every_article(request.user):
            return queryset
        visible = Article.objects.editable_by(request.user)
        return queryset.filter(**{f"{self.article_lookup}__in": visible})

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ArticleContentAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """The article editor without the workflow: its list, form, fields and sections, and
    the refusals of an edit (locked, stale, not theirs). Not registered: reviews.admin
    registers Article with its subclass, which adds the review actions and saves through
    reviews.services (`save_content`, `save_sections`)."""

    # Carries the version of the working copy it was opened at (articles.admin_form).
    form = ArticleAdminForm
    list_display = [
        "title",
        "state",
        "topic",
        "people",
        "reader_feedback",
        "updated",
    ]
    list_filter = ["status", "topic"]
    list_select_related = ["topic", "assigned_reviewer__reviewer_profile"]
    # Each a trigram index on PostgreSQL (migration 0009): `UPPER(col) LIKE '%TERM%'`.
    search_fields = ["title", "summary", "slug"]
    # At publisher scale, only orders an index serves (status and topic are filters).
    sortable_by = ["title", "updated"]
    # Counting every article costs as much as reading them: count the filtered list only,
    # and only up to a cap ("More than 10,000 articles").
    show_full_result_count = False
    paginator = BoundedPaginator
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topic", "authors"]
    readonly_fields = [
        "status",
        "submission_checklist",
        "public_link",
        "reviewer_name",
        "archive_reason",
    ]
    inlines = [SectionInline, RevisionInline]
    # The editor: cite and image pickers at the cursor, the whole working copy previewed.
    # (A plain CharField: markdownx's form field would put its own widget back.)
    formfield_overrides = {
        MarkdownxField: {"form_class": forms.CharField, "widget": ArticleEditorWidget}
    }
    # The workflow buttons, the review-screen link and the reviewers' requests for changes.
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"

    # Six columns that fit beside the filters at 1280 px: the state says whether it is
    # live, and the writers and the reviewer share a column.
    @admin.display(description="status", ordering="status")
    def state(self, obj: Article) -> str:
        live = obj.live_revision_id is not None and obj.status != Status.ARCHIVED
        if not live:
            return obj.get_status_display()
        return format_html("{} <small>· live</small>", obj.get_status_display())

    @admin.display(description="writers · reviewer")
    def people(self, obj: Article) -> str:
        writers = ", ".join(display_name(a) for a in obj.authors.all())
        reviewer = obj.assigned_reviewer
        if reviewer is None:
            return writers
        return format_html(
            "{}<br><small>Reviewer: {}</small>", writers, display_name(reviewer, credentials=True)
        )

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, obj: Article) -> str:
        return f"{timezone.localtime(obj.updated_at):%Y-%m-%d}"

    @admin.display(
        description="reviewer", ordering="assigned_reviewer__reviewer_profile__display_name"
    )
    def reviewer_name(self, obj: Article) -> str:
        reviewer = obj.assigned_reviewer
        return "—" if reviewer is None else display_name(reviewer, credentials=True)

    def view_on_site(self, obj: Article) -> str:
        # The public page once live; before that, the staff preview of the working copy.
        if obj.live_revision_id and obj.status != Status.ARCHIVED:
            return obj.get_absolute_url()
        return reverse("articles:preview", kwargs={"slug": obj.slug})

    @admin.display(description="public page")
    def public_link(self, obj: Article) -> str:
        if obj.pk and obj.live_revision_id and obj.status != Status.ARCHIVED:
            return format_html(
                '<a href="{}" target="_blank">{}</a>',
                obj.get_absolute_url(),
                obj.get_absolute_url(),
            )
        return "Not public yet"

    @admin.display(description="submission check")
    def submission_checklist(self, obj: Article) -> str:
        if obj.pk is None or obj.status not in SUBMITTABLE:
            return "—"
        submission = check_submission(obj)
        if not submission.problems and not submission.warnings:
            return "Yes: title, summary and body are present and every citation resolves."
        shown = format_html("")
        if submission.problems:
            shown += format_html(
                "<ul>{}</ul>",
                format_html_join("", "<li>{}</li>", ((p,) for p in submission.problems)),
            )
        if submission.warnings:
            # Never "every citation resolves" beside a retracted or outdated source.
            shown += format_html(
                '<p>{}</p><ul class="source-warnings">{}</ul>',
                "The reviewer will see these sources flagged:"
                if submission.problems
                else "Ready to submit, but the reviewer will see these sources flagged:",
                format_html_join("", "<li>{}</li>", ((w,) for w in submission.warnings)),
            )
        return shown

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "POST" and obj is not None and _stale_edit_of_locked(request, obj):
            # The form was opened before a co-author submitted: refuse loudly, save nothing,
            # and show the user what they sent.
            return self._conflict(request, object_id, [content_services.LOCKED_MESSAGE], status=409)
        extra_context = extra_context or {}
        if obj is not None:
            extra_context.update(self.change_context(request, obj))
            extra_context["editor"] = "body" not in self.get_readonly_fields(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def change_context(self, request: HttpRequest, obj: Article) -> dict:
        """What the change form shows beside the content (the workflow's, in reviews)."""
        return {}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and "body" in self.get_readonly_fields(request, obj):
            # Nothing on this form can be saved by this user now (locked with the board,
            # archived, or not theirs): no Save buttons; a posted save is refused anyway.
            context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["editor"] = True
        extra_context["submit_state"] = {
            "refusal": "",
            "blockers": check_submission(Article()).problems,
        }
        return super().add_view(request, form_url, extra_context)

    def get_inlines(self, request, obj=None):
        # History and revisions only exist once the article does.
        return self.inlines if obj is not None else [SectionInline]

    def save_formset(self, request, form, formset, change: bool) -> None:
        if formset.model is not ArticleSection:
            return super().save_formset(request, form, formset, change)
        if not formset.has_changed():
            formset.save()  # writes nothing; records that nothing changed (admin's log)
            return None
        # Content: locked while with the board; editing live sections starts a draft.
        self.save_sections(request, form.instance, formset.save)
        return None

    def save_sections(self, request: HttpRequest, obj: Article, save) -> Article:
        """Content only: reviews' ArticleAdmin saves through the workflow's service."""
        return content_services.article_sections_save(article=obj, user=request.user, save=save)

    @admin.display(description="helpful (yes / no)")
    def reader_feedback(self, obj: Article) -> str:
        if not (obj.helpful_yes or obj.helpful_no):
            return "—"
        return f"{obj.helpful_yes} / {obj.helpful_no}"

    def get_queryset(self, request: HttpRequest):
        # The writers and the reviewer come with their printed names (no query per row).
        return (
            super()
            .get_queryset(request)
            .editable_by(request.user)
            .prefetch_related(
                Prefetch("authors", queryset=User.objects.select_related("reviewer_profile"))
            )
        )

    def get_changelist(self, request: HttpRequest, **kwargs):
        return ArticleChangeList

    def get_fieldsets(self, request, obj=None):
        main = list(CONTENT_FIELDS)
        if roles.is_editor(request.user) or request.user.is_superuser:
            main.append("authors")
        if obj is not None:
            main += TOKEN_FIELDS  # hidden: the version the form was opened at
        fieldsets = [(None, {"fields": main})]
        if obj is not None and (obj.live_revision_id or obj.is_correction):
            fieldsets.append(
                (
                    "Correction",
                    {
                        "fields": list(CORRECTION_FIELDS),
                        "description": "If this edit corrects an error in the live article, "
                        "say so: once approved, readers see “Corrected on <date>” with your "
                        "note, and the review history keeps it with this version.",
                    },
                )
            )
        if obj is not None:
            fieldsets.insert(
                0,
                (
                    "Workflow",
                    {
                        "fields": [
                            "status",
                            "reviewer_name",
                            "submission_checklist",
                            "public_link",
                            "archive_reason",
                        ]
                    },
                ),
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and (
            obj.status in WITH_THE_BOARD
            or obj.status == Status.ARCHIVED
            or not roles.can_edit_content(obj, request.user)
        ):
            readonly += [
                f for f in (*CONTENT_FIELDS, *CORRECTION_FIELDS, "authors") if f not in readonly
            ]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        # Only while the slug is still editable: never once live, locked or read-only.
        if obj is not None and (
            obj.live_revision_id or "slug" in self.get_readonly_fields(request, obj)
        ):
            return {}
        return self.prepopulated_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        # Anything that was ever submitted is part of the record (PROTECT enforces it too).
        if obj is not None and obj.revisions.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        self.save_content(request, obj, form.changed_data)

    def save_content(self, request: HttpRequest, obj: Article, changed: list[str]) -> Article:
        """Content only: reviews' ArticleAdmin saves through the workflow's service."""
        return content_services.article_save(article=obj, user=request.user, changed_fields=changed)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except content_services.StaleEdit:
                # Another save from the same version won the row lock after this form was
                # checked; this save rolled back whole. Asked again, the form's own check
                # sees the newer version and refuses on the form, the user's text kept.
                return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied as err:
            if request.method != "POST":
                raise
            reason = str(err) or "You may not edit this article."
            return self._conflict(request, object_id, [reason], status=403)
        except (ValidationError, IntegrityError) as err:
            # The article changed between the form's checks and its save (archived,
            # claimed, its slug taken): the save's transaction rolled back whole.
            if isinstance(err, ValidationError):
                reasons = err.messages
            else:
                reasons = ["Someone saved a conflicting change at the same moment."]
            return self._conflict(request, object_id, reasons, status=409)

    def _conflict(
        self, request: HttpRequest, object_id: str | None, reasons: list[str], *, status: int
    ) -> TemplateResponse:
        """Nothing was saved: why, and what the user sent, so that nothing typed is lost."""
        article = self.get_object(request, object_id) if object_id else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Your edits were not saved",
            "original": article,
            "reasons": reasons,
            "sent": _sent_text(request),
        }
        return TemplateResponse(
            request, "admin/articles/article/conflict.html", context, status=status
        )


class ArticleChangeList(ChangeList):
    """The article list: narrow rows, and the readers' votes counted for the page's rows
    only (one query on the vote index, never grouped over every article, nor over the rows
    a deep page skips)."""

    # What the rows never show: long text, kept out of the sort a deep page may need.
    DEFERRED = ("summary", "body", "professional_body", "audience_notes", "archive_reason")

    def get_queryset(self, request: HttpRequest, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*self.DEFERRED)

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        articles = list(self.result_list)
        votes = {
            row["article"]: row
            for row in ArticleFeedback.objects.filter(article__in=articles)
            .order_by()
            .values("article")
            .annotate(
                yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
            )
        }
        for article in articles:
            counted = votes.get(article.pk, {})
            article.helpful_yes = counted.get("yes", 0)
            article.helpful_no = counted.get("no", 0)
        self.result_list = articles


def _sent_text(request: HttpRequest) -> list[tuple[str, str]]:
    """The text a refused form carried, labelled, for the user to copy: content fields,
    then each evidence section's heading and body."""
    sent = []
    for name in ("title", "summary", "body", "professional_body", "audience_notes"):
        if value := request.POST.get(name, "").strip():
            sent.append((str(Article._meta.get_field(name).verbose_name).capitalize(), value))
    for i in range(min(_int(request.POST.get("sections-TOTAL_FORMS")), evidence.MAX_SECTIONS)):
        if value := request.POST.get(f"sections-{i}-body", "").strip():
            heading = request.POST.get(f"sections-{i}-heading", "").strip()
            sent.append((f"Evidence section {i + 1}" + (f" ({heading})" if heading else ""), value))
    return sent


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _stale_edit_of_locked(request: HttpRequest, article: Article) -> bool:
    """Content posted for an article that is now with the reviewers, differing from it."""
    if article.status not in WITH_THE_BOARD:
        return False
    for name in CONTENT_FIELDS:
        if name not in request.POST:
            continue
        if name == "group_references":  # a ticked checkbox posts "on"
            if not article.group_references:
                return True
            continue
        stored = getattr(article, f"{name}_id" if name == "topic" else name) or ""
        posted = request.POST[name].replace("\r\n", "\n").strip()
        if posted != str(stored).replace("\r\n", "\n").strip():
            return True
    return False


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ReadOnlyAdmin):
    list_display = ["article", "number", "created_by", "created_at", "approved_at"]
    list_select_related = ["article", "created_by"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in ArticleRevision._meta.fields]


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "updated_at"]
    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """What readers sent through the contact form. Editors read it and tick it handled;
    nothing a reader wrote can be changed or added here."""

    list_display = ["created_at", "kind", "name", "email", "handled"]
    list_filter = ["handled", "kind", "created_at"]
    search_fields = ["name", "email", "message", "article_url"]
    date_hierarchy = "created_at"
    fields = ["created_at", "kind", "name", "email", "article_link", "message", "handled"]
    readonly_fields = ["created_at", "kind", "name", "email", "article_link", "message"]
    actions = ["mark_handled"]
    show_full_result_count = False
    paginator = BoundedPaginator

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="article address")
    def article_link(self, obj: ContactMessage) -> str:
        # A reader typed it: linked only if a page may link it (references.links).
        href = safe_url(obj.article_url)
        if not href:
            return obj.article_url or "—"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', href, obj.article_url)

    @admin.action(description="Mark the selected messages as handled", permissions=["change"])
    def mark_handled(self, request, queryset) -> None:
        count = queryset.filter(handled=False).update(handled=True)
        self.message_user(request, f"{count} message(s) marked as handled.")


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "helpful", "created_at"]
    list_filter = ["helpful"]
    list_select_related = ["article"]
    # Votes grow with the readers: counted up to a cap, never the whole table.
    show_full_result_count = False
    paginator = BoundedPaginator

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
