"""Every write to an article's working copy: saving it, its evidence sections, crediting
the reviewers of a revision. Revisions themselves are made in articles.revisions; going
live is articles.going_live.

Each edit locks the article's row and is refused whole if it was made on a copy older
than the last edit (StaleEdit), so two people's edits never undo each other. What an edit
means for the review workflow (editing approved content starts a new draft) is the
caller's to say, through `on_content_edit`: reviews.services passes it, and the admin and
everything else edit through reviews.services. Articles never import reviews.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles import evidence
from articles.models import (
    Article,
    ArticleAutosave,
    ArticleRevision,
    ArticleSection,
    RevisionReviewer,
)
from articles.states import WITH_THE_BOARD, Status
from people import roles
from people.models import ReviewerProfile
from people.names import display_name

# Fields whose change makes a new version of the content.
CONTENT_FIELDS = frozenset(
    {"title", "summary", "body", "professional_body", "topic", "slug", "group_references"}
    | {"subject_name", "subject_type"}
)

# Relations the admin's form saves itself, after article_save: an edit all the same.
EDITED_RELATIONS = frozenset({"authors"})

LOCKED_MESSAGE = (
    "This article is with the medical reviewers and cannot be edited until they finish."
)
ARCHIVED_MESSAGE = "This article is archived; an editor must restore it first."
NOT_AN_EDITOR_MESSAGE = "Only the article's authors or an editor can edit it."

# Called with the locked working copy, once saved, when an edit changed its content; returns
# the article as it is afterwards (the workflow may have moved it to a new draft).
ContentEdited = Callable[[Article], Article]


class StaleEdit(ValidationError):
    """An edit made on a copy of the working copy that someone has edited since it was read
    (its `version` is behind the row's). Refused whole: saving it would undo their edit."""

    def __init__(self, current: Article) -> None:
        self.current = current
        super().__init__(edited_since_message(current), code="stale")


def edited_since_message(current: Article) -> str:
    """Who last edited the working copy and when, for someone whose copy is older."""
    editor = current.last_edited_by
    who = display_name(editor) if editor is not None else "someone else"
    when = current.last_edited_at or current.updated_at
    return (
        f"This article was changed by {who} at {timezone.localtime(when):%Y-%m-%d %H:%M} "
        "since you opened it; your changes were not saved."
    )


def lock(article: Article, model: type[Article] = Article) -> Article:
    """Re-read the article under a row lock so that racing writes serialise, as `model`
    (Article, or a proxy of it such as the review workflow's)."""
    return (
        # Only the article's row. Its reviewer is read after the lock, never joined: a join
        # waiting on the lock keeps the reviewer it first saw (PostgreSQL re-reads only the
        # locked row), so a racing take would see an article held by nobody.
        model.objects.select_for_update(of=("self",)).select_related("topic").get(pk=article.pk)
    )


def _concrete_field(name: str):
    try:
        field = Article._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete and not field.many_to_many else None


def _lock_for_edit(article: Article, user: Any) -> Article:
    """Lock the working copy and check that `user` may edit its content now, and that
    `article` (the copy they edited) is not behind it: under the lock, so of two edits
    made from the same version exactly one is saved."""
    current = lock(article)
    if current.status in WITH_THE_BOARD:
        raise ValidationError(LOCKED_MESSAGE)
    if current.status == Status.ARCHIVED:
        raise ValidationError(ARCHIVED_MESSAGE)
    if not roles.can_edit_content(current, user):
        raise PermissionDenied(NOT_AN_EDITOR_MESSAGE)
    if current.version != article.version:
        raise StaleEdit(current)
    return current


def _mark_edited(current: Article, article: Article, user: Any) -> None:
    """Count the edit (saved with `current`). The caller's copy takes the new version, so
    its next edit in the same request (the form's sections after its fields) is not stale."""
    current.version += 1
    current.last_edited_by = user
    current.last_edited_at = timezone.now()
    article.version = current.version


def _save_content(current: Article, on_content_edit: ContentEdited | None) -> Article:
    current.save()
    return on_content_edit(current) if on_content_edit is not None else current


def _article_create(article: Article, user: Any) -> Article:
    """A new article, whose creator is its first author from the start: what is saved with
    it (its evidence sections) is saved by an author. An editor who names other authors in
    the same form replaces them (the form saves its authors after this)."""
    article.version = 1
    article.last_edited_by = user
    article.last_edited_at = timezone.now()
    article.save()
    article.authors.add(user)
    return article


@transaction.atomic
def article_save(
    *,
    article: Article,
    user: Any,
    changed_fields: set[str] | list[str],
    on_content_edit: ContentEdited | None = None,
) -> Article:
    """Save the working copy (or create it).

    Only the edited fields are copied onto the freshly locked row, so an edit made on a
    stale copy can never undo what the workflow did meanwhile (e.g. a scheduled publish);
    and an edit made on a copy older than the last edit (`article.version`) is refused
    (StaleEdit), so it can never undo another person's edit either.
    """
    if article.pk is None:
        return _article_create(article, user)
    edited = [
        name
        for name in changed_fields
        if (field := _concrete_field(name)) is not None and field.editable
    ]
    if not edited and not EDITED_RELATIONS.intersection(changed_fields):
        # e.g. a reviewer's action button posts the read-only form: nothing to save. What
        # they had typed is what they saved: their autosave has nothing more to offer.
        autosave_discard(article=article, user=user)
        return article
    current = _lock_for_edit(article, user)
    locked_slug = current.approved_slug()
    if locked_slug and article.slug != locked_slug:
        raise ValidationError(
            f"This article was approved at “{locked_slug}”; its URL (slug) cannot change."
        )
    for name in edited:
        setattr(current, name, getattr(article, name))
    _mark_edited(current, article, user)
    autosave_discard(article=current, user=user)  # rolled back with the save if it fails
    return _save_content(current, on_content_edit if set(edited) & CONTENT_FIELDS else None)


@transaction.atomic
def article_sections_save(
    *,
    article: Article,
    user: Any,
    save: Callable[[], Any],
    on_content_edit: ContentEdited | None = None,
) -> Article:
    """Save the working copy's evidence sections (`save` writes them: the admin's inline
    formset). They are content: the same checks as article_save."""
    current = _lock_for_edit(article, user)
    save()
    _number_sections(current)
    _mark_edited(current, article, user)
    autosave_discard(article=current, user=user)
    return _save_content(current, on_content_edit)


def _number_sections(article: Article) -> None:
    """Number the sections 1, 2, 3 … in the writer's order: a section saved without a
    position (0, the default) goes after the others, in the order added, and of two with
    the same position the one added first stays first."""
    sections = sorted(article.sections.all(), key=lambda s: (s.position == 0, s.position, s.pk))
    moved = []
    for position, section in enumerate(sections, start=1):
        if section.position != position:
            section.position = position
            moved.append(section)
    ArticleSection.objects.bulk_update(moved, ["position"])


def article_sections_set(
    *,
    article: Article,
    user: Any,
    sections: list[evidence.SectionText],
    on_content_edit: ContentEdited | None = None,
) -> Article:
    """Replace the working copy's evidence sections with these, in this order."""

    def save() -> None:
        article.sections.all().delete()
        ArticleSection.objects.bulk_create(
            ArticleSection(
                article=article,
                position=i,
                kind=s.kind,
                heading=s.heading,
                audience=s.audience,
                body=s.body,
            )
            for i, s in enumerate(sections, start=1)
        )

    return article_sections_save(
        article=article, user=user, save=save, on_content_edit=on_content_edit
    )


# --- autosave: the editor's unsaved typing, kept server side ---------------------------


def edit_refusal(article: Article, user: Any) -> str | None:
    """Why `user` may not edit the working copy now (the rules of _lock_for_edit), or None."""
    if article.status in WITH_THE_BOARD:
        return LOCKED_MESSAGE
    if article.status == Status.ARCHIVED:
        return ARCHIVED_MESSAGE
    if not roles.can_edit_content(article, user):
        return NOT_AN_EDITOR_MESSAGE
    return None


class AutosaveRefused(Exception):
    """An autosave that may not be kept: the reason, for the person typing."""

    def __init__(self, reason: str, *, permission: bool) -> None:
        self.permission = permission  # not theirs to edit, rather than locked for now
        super().__init__(reason)


def autosave_store(
    *, article: Article, user: Any, fields: dict[str, Any], opened_version: int
) -> ArticleAutosave:
    """Keep (replace) `user`'s unsaved form values for `article`. Writes nothing else: no
    version, no revision, no audit entry, no history; the article's row is not touched."""
    if not roles.can_edit_content(article, user):
        raise AutosaveRefused(NOT_AN_EDITOR_MESSAGE, permission=True)
    if (refusal := edit_refusal(article, user)) is not None:
        raise AutosaveRefused(refusal, permission=False)
    autosave, _created = ArticleAutosave.objects.update_or_create(
        article=article,
        user=user,
        defaults={
            "fields": fields,
            "opened_version": opened_version,
            "saved_at": timezone.now(),
        },
    )
    return autosave


def autosave_discard(*, article: Article, user: Any) -> None:
    """Forget `user`'s unsaved form values for `article` (saved, or thrown away)."""
    if article.pk is not None and getattr(user, "pk", None) is not None:
        ArticleAutosave.objects.filter(article=article, user=user).delete()


def autosave_offer(article: Article, user: Any) -> ArticleAutosave | None:
    """The autosave to offer when `user` opens the form: theirs, for an article they may
    edit now, unless they saved the article after it (their own save superseded it).
    One older than someone else's save is still offered: it is work they never saved."""
    if article.pk is None or edit_refusal(article, user) is not None:
        return None
    autosave = ArticleAutosave.objects.filter(article=article, user=user).first()
    if autosave is None:
        return None
    saved_by_them = article.last_edited_by_id == user.pk and article.last_edited_at is not None
    if saved_by_them and autosave.saved_at <= article.last_edited_at:
        return None
    return autosave


# --- reviewer credit ------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerCredit:
    """A board member credited with a revision's review, as printed when they signed."""

    reviewer: ReviewerProfile
    printed_name: str
    credentials: str
    specialty: str
    signed_at: datetime.datetime


def revision_credit_reviewers(revision: ArticleRevision, credits: Iterable[ReviewerCredit]) -> None:
    """Freeze who reviewed `revision`, in this order: the public page credits them. Called
    when a review of the revision completes (reviews.services decides who counts); a later
    re-review of the same revision replaces the credit with its own sign-offs."""
    RevisionReviewer.objects.filter(revision=revision).delete()
    RevisionReviewer.objects.bulk_create(
        RevisionReviewer(
            revision=revision,
            reviewer=credit.reviewer,
            position=i,
            printed_name=credit.printed_name,
            credentials=credit.credentials,
            specialty=credit.specialty,
            signed_at=credit.signed_at,
        )
        for i, credit in enumerate(credits, start=1)
    )
