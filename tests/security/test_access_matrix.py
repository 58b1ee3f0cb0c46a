"""Who may open and do what: every role against the admin, the workbench and the
workflow's transitions, with forged POSTs.

Roles: anonymous, the article's writer, another writer, a board reviewer (who has
claimed the article in review), another board member (who holds nothing), a board
member whose credentials expired, and an editor. Every case states the status each role
gets and which roles' requests change anything; for every other role the test
asserts that nothing in the database changed (articles, their status and content,
revisions, the audit log, decisions, comments, sources, library images, site pages,
topics, users). Each role's request runs in a savepoint that is rolled back, so all
start from the same state. (docs/permissions.md says who may do what, and why.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import reverse

from articles.models import (
    Article,
    ArticleFeedback,
    ArticleRevision,
    SitePage,
    Topic,
)
from images.models import Image
from people.models import ReviewerProfile, WriterProfile
from references.models import Reference
from reviews import actions, services
from reviews.models import (
    AuditEntry,
    NotificationPreference,
    ReviewComment,
    ReviewDecision,
)
from tests import factories

# Slow (the access matrix posts every page and action as every role):
# `make test` runs it, `make test-fast` leaves it out.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROLES = (
    "anonymous",
    "writer",
    "other_writer",
    "reviewer",
    "other_reviewer",
    "expired_reviewer",
    "editor",
)
LOGIN = "login"  # a redirect to the admin's login page
# What a board member whose credentials expired gets on every admin page: the notice.
NOTICE = 403


@dataclass
class World:
    users: dict[str, Any]
    draft: Article
    submitted: Article
    in_review: Article
    approved: Article
    archived: Article
    reference: Reference
    page: SitePage
    topic: Topic
    image: Image

    def admin(self, name: str, *args: Any) -> str:
        return reverse(f"admin:{name}", args=args)

    def action(self, article: Article, name: str) -> str:
        """The one view every workflow action goes through (reviews.actions)."""
        return reverse("admin:articles_article_action", args=[article.pk, name])


@pytest.fixture
def world(writer, other_writer, reviewer, editor) -> World:
    other_reviewer = factories.reviewer(username="olga", specialty="Clinical pharmacology")
    expired_reviewer = factories.reviewer(username="xavier", expires_in_days=-1)
    topic = factories.TopicFactory(name="Sleep", slug="sleep")

    def article(slug: str) -> Article:
        return factories.ArticleFactory(slug=slug, topic=topic, authors=[writer])

    draft = article("draft")
    submitted = services.article_submit(article=article("submitted"), user=writer)
    in_review = services.review_start(
        article=services.article_submit(article=article("in-review"), user=writer), user=reviewer
    )
    approved = factories.claim_and_approve(
        services.article_submit(article=article("approved"), user=writer), reviewer
    )
    archived = services.article_archive(article=article("archived"), user=editor, reason="Old")
    services.review_comment(revision=in_review.current_revision, user=reviewer, body="Check")
    factories.WriterProfileFactory(user=writer, slug="wanda-profile")
    return World(
        users={
            "writer": writer,
            "other_writer": other_writer,
            "reviewer": reviewer,
            "other_reviewer": other_reviewer,
            "expired_reviewer": expired_reviewer,
            "editor": editor,
        },
        draft=draft,
        submitted=submitted,
        in_review=in_review,
        approved=approved,
        archived=archived,
        reference=factories.ReferenceFactory(key="shared"),
        page=SitePage.objects.update_or_create(
            key=SitePage.Key.EDITORIAL_POLICY, defaults={"title": "P", "body": "B"}
        )[0],
        topic=topic,
        image=factories.library_image(writer, data=factories.image_bytes(320, 200)),
    )


def fingerprint() -> tuple:
    """Everything a forged request could try to change."""
    return (
        list(
            Article.objects.order_by("pk").values_list(
                "pk",
                "status",
                "title",
                "slug",
                "summary",
                "body",
                "professional_body",
                "topic_id",
                "assigned_reviewer_id",
                "current_revision_id",
                "live_revision_id",
                "scheduled_live_at",
                "archive_reason",
                "review_round",
            )
        ),
        sorted(Article.authors.through.objects.values_list("article_id", "user_id")),
        list(ArticleRevision.objects.order_by("pk").values_list("pk", "approved_at")),
        AuditEntry.objects.count(),
        list(ReviewDecision.objects.values_list("pk", "kind")),
        list(ReviewComment.objects.values_list("pk", "body")),
        list(Reference.objects.order_by("pk").values_list("pk", "key", "title", "retracted")),
        list(SitePage.objects.values_list("pk", "title", "body")),
        list(Topic.objects.order_by("pk").values_list("pk", "name", "required_approvals")),
        list(
            get_user_model()
            .objects.order_by("pk")
            .values_list("pk", "username", "is_staff", "is_superuser", "is_active")
        ),
        sorted(get_user_model().groups.through.objects.values_list("user_id", "group_id")),
        sorted(Group.permissions.through.objects.values_list("group_id", "permission_id")),
        list(ReviewerProfile.objects.values_list("pk", "is_active", "credentials")),
        list(WriterProfile.objects.values_list("pk", "user_id", "display_name", "is_public")),
        # Opening "my notifications" makes one's (default, emails on) row: not a change.
        list(NotificationPreference.objects.filter(email_enabled=False).values_list("user_id")),
        ArticleFeedback.objects.count(),
        list(
            Image.objects.order_by("pk").values_list(
                "pk", "alt_text", "caption", "credit", "licence", "current_version_id"
            )
        ),
    )


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable[[World], str]
    # The status each role gets (LOGIN: redirected to the login page).
    expect: dict[str, int | str]
    method: str = "get"
    data: Callable[[World], dict] = field(default=lambda w: {})
    # Roles whose POST is meant to change something; for all others nothing may change.
    changes: frozenset[str] = frozenset()


def _all(status: int | str, **overrides: int | str) -> dict[str, int | str]:
    """`status` for every signed-in role but those overridden. Unless said otherwise, the
    other board member gets what the reviewer gets, and the expired one the notice."""
    expect = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], status), **overrides}
    if "other_reviewer" not in overrides:
        expect["other_reviewer"] = expect["reviewer"]
    if "expired_reviewer" not in overrides:
        expect["expired_reviewer"] = NOTICE
    return expect


def _form(world: World, article: Article, **changes: Any) -> dict:
    """The article's change form as its page would post it, with `changes`."""
    data = {
        "title": article.title, "slug": article.slug, "summary": article.summary,
        "topic": article.topic_id, "body": article.body, "professional_body": "",
        "audience_notes": "", "authors": [world.users["writer"].pk],
        # The version the form was opened at, as the page renders it (a hidden field).
        "opened_version": Article.objects.values_list("version", flat=True).get(pk=article.pk),
    }  # fmt: skip
    for prefix in ("revisions", "audit_entries"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return {**data, **changes}


CASES: list[Case] = []
# The checklist and the electronic signature (the factories' password).
CHECKED = {"claims_supported": "on", "dosing_checked": "on", "sources_current": "on",
           "disclaimer_fits": "on", "password": "pw"}  # fmt: skip

CASES = [
    # --- the admin: reading -----------------------------------------------------
    # A board member whose credentials expired reads the notice there (and nowhere else).
    Case("admin index", lambda w: w.admin("index"), _all(200, expired_reviewer=200)),
    Case("article list", lambda w: w.admin("articles_article_changelist"), _all(200)),
    Case("article add form", lambda w: w.admin("articles_article_add"), _all(200, reviewer=403)),
    Case(
        "a draft's change page",
        lambda w: w.admin("articles_article_change", w.draft.pk),
        _all(200, other_writer=302),
    ),
    Case(
        "a draft's history",
        lambda w: w.admin("articles_article_history", w.draft.pk),
        _all(200, other_writer=302),
    ),
    Case(
        "a draft's delete page", lambda w: w.admin("articles_article_delete", w.draft.pk), _all(403)
    ),
    Case("revision list", lambda w: w.admin("articles_articlerevision_changelist"), _all(200)),
    Case(
        "a revision in review",
        lambda w: w.admin("articles_articlerevision_change", w.in_review.current_revision_id),
        _all(200, other_writer=302),
    ),
    Case("audit log", lambda w: w.admin("reviews_auditentry_changelist"), _all(200)),
    Case(
        "an audit entry",
        lambda w: w.admin(
            "reviews_auditentry_change", w.in_review.audit_entries.order_by("pk").first().pk
        ),
        _all(200, other_writer=302),
    ),
    Case(
        "review decisions",
        lambda w: w.admin("reviews_reviewdecision_changelist"),
        _all(403, reviewer=200, editor=200),
    ),
    Case(
        "review rounds",
        lambda w: w.admin("reviews_reviewround_changelist"),
        _all(403, reviewer=200, editor=200),
    ),
    Case("review comments", lambda w: w.admin("reviews_reviewcomment_changelist"), _all(200)),
    Case(
        "notices about sources (retractions, corrections)",
        lambda w: w.admin("references_referenceevent_changelist"),
        _all(200),
    ),
    # One row: the list opens that row's form (the add form until an editor saves it).
    Case("source policy", lambda w: w.admin("references_sourcepolicy_changelist"), _all(302)),
    Case(
        "source policy: only editors set it",
        lambda w: w.admin("references_sourcepolicy_add"),
        _all(403, editor=200),
    ),
    *(
        Case(f"sign-in security: {name}", lambda w, name=name: w.admin(name), _all(403, editor=200))
        for name in (
            "accounts_signinlockout_changelist",
            "accounts_staffaccount_changelist",
            "accounts_accountevent_changelist",
        )
    ),
    Case(
        "authenticator devices (django-otp's own admin)",
        lambda w: w.admin("otp_totp_totpdevice_changelist"),
        _all(403),
    ),
    Case(
        "recovery-code devices (django-otp's own admin)",
        lambda w: w.admin("otp_static_staticdevice_changelist"),
        _all(403),
    ),
    Case(
        "reviewer profiles",
        lambda w: w.admin("people_reviewerprofile_changelist"),
        _all(403, reviewer=200, editor=200),
    ),
    # Writers see (and edit) their own profile only; editors manage all of them.
    Case(
        "writer profiles",
        lambda w: w.admin("people_writerprofile_changelist"),
        _all(200, reviewer=403),
    ),
    Case(
        "everyone's notification settings",
        lambda w: w.admin("reviews_notificationpreference_changelist"),
        _all(403),
    ),
    # Editors read people (to pick writers); only superusers change accounts.
    Case("users", lambda w: w.admin("auth_user_changelist"), _all(403, editor=200)),
    Case(
        "background task results",
        lambda w: w.admin("django_tasks_database_dbtaskresult_changelist"),
        _all(403),
    ),
    Case("groups", lambda w: w.admin("auth_group_changelist"), _all(403)),
    Case("topics", lambda w: w.admin("articles_topic_changelist"), _all(200)),
    Case("site pages", lambda w: w.admin("articles_sitepage_changelist"), _all(403, editor=200)),
    Case(
        "reader feedback",
        lambda w: w.admin("articles_articlefeedback_changelist"),
        _all(403, editor=200),
    ),
    Case(
        "contact messages",
        lambda w: w.admin("articles_contactmessage_changelist"),
        _all(403, editor=200),
    ),
    Case("source library", lambda w: w.admin("references_reference_changelist"), _all(200)),
    Case(
        "source import", lambda w: w.admin("references_reference_import"), _all(200, reviewer=403)
    ),
    Case("image library", lambda w: w.admin("images_image_changelist"), _all(200)),
    Case("image upload form", lambda w: w.admin("images_image_add"), _all(200, reviewer=403)),
    # Every writer sees (and inserts) any image; only its uploader and editors change it.
    Case(
        "a library image's page",
        lambda w: w.admin("images_image_change", w.image.pk),
        _all(200),
    ),
    Case(
        "edit a library image's alt text and credit",
        lambda w: w.admin("images_image_change", w.image.pk),
        _all(403, writer=302, editor=302),
        method="post",
        data=lambda w: {
            "alt_text": "Hacked",
            "caption": "Hacked",
            "credit": "Hacked",
            "licence": "Hacked",
        },
        changes=frozenset({"writer", "editor"}),
    ),
    Case(
        "delete a library image",
        lambda w: w.admin("images_image_delete", w.image.pk),
        _all(403, editor=302),
        method="post",
        data=lambda w: {"post": "yes"},
        changes=frozenset({"editor"}),
    ),
    Case("the editor's image picker", lambda w: w.admin("images_image_picker"), _all(200)),
    Case(
        "the editor's citation search",
        lambda w: w.admin("references_reference_cite_search") + "?q=smith",
        _all(200),
    ),
    # --- the workbench ----------------------------------------------------------
    Case(
        "review queue",
        lambda w: w.admin("articles_article_queue"),
        _all(403, reviewer=200, editor=200),
    ),
    Case("dashboard", lambda w: w.admin("articles_article_dashboard"), _all(403, editor=200)),
    Case(
        "reviews due",
        lambda w: w.admin("articles_article_due"),
        _all(403, reviewer=200, editor=200),
    ),
    Case(
        "review screen",
        lambda w: w.admin("articles_article_review", w.in_review.pk),
        _all(200, other_writer=404),
    ),
    Case("my notifications", lambda w: w.admin("reviews_notificationpreference_mine"), _all(200)),
    Case(
        "staff preview of a draft",
        lambda w: reverse("articles:preview", kwargs={"slug": w.draft.slug}),
        _all(200, other_writer=404, expired_reviewer=404),
    ),
    Case(
        "staff preview of a draft, for professionals",
        lambda w: reverse("articles:preview_professional", kwargs={"slug": w.draft.slug}),
        _all(200, other_writer=404, expired_reviewer=404),
    ),
    Case(
        "view on site for a draft",
        lambda w: f"/admin/r/{ContentType.objects.get_for_model(Article).pk}/{w.draft.pk}/",
        _all(302, other_writer=404),
    ),
    Case(
        "live preview",
        lambda w: reverse("markdownx_markdownify"),
        _all(200),
        method="post",
        data=lambda w: {"content": "Hi"},
    ),
    # --- forged edits -----------------------------------------------------------
    Case(
        "edit a draft",
        lambda w: w.admin("articles_article_change", w.draft.pk),
        _all(302),
        method="post",
        data=lambda w: _form(w, w.draft, title="Hacked"),
        changes=frozenset({"writer", "editor"}),
    ),
    Case(
        "edit an article in review",
        lambda w: w.admin("articles_article_change", w.in_review.pk),
        # Refused with what was sent, to copy (409); not theirs to open: the admin's 302.
        _all(409, other_writer=302),
        method="post",
        data=lambda w: _form(w, w.in_review, title="Hacked"),
    ),
    Case(
        "add oneself as author of a draft",
        lambda w: w.admin("articles_article_change", w.draft.pk),
        _all(302),
        method="post",
        data=lambda w: _form(w, w.draft, authors=[u.pk for u in w.users.values()]),
        changes=frozenset({"editor"}),
    ),
    Case(
        "delete a draft",
        lambda w: w.admin("articles_article_delete", w.draft.pk),
        _all(403),
        method="post",
        data=lambda w: {"post": "yes"},
    ),
    Case(
        "edit a site page",
        lambda w: w.admin("articles_sitepage_change", w.page.pk),
        _all(403, editor=302),
        method="post",
        data=lambda w: {"key": w.page.key, "title": "Hacked", "body": "Hacked"},
        changes=frozenset({"editor"}),
    ),
    Case(
        "add a topic",
        lambda w: w.admin("articles_topic_add"),
        _all(403, editor=302),
        method="post",
        data=lambda w: {
            "name": "New",
            "slug": "new",
            "required_approvals": 1,
            "review_interval_months": 12,
        },
        changes=frozenset({"editor"}),
    ),
    Case(
        "edit a source",
        lambda w: w.admin("references_reference_change", w.reference.pk),
        _all(302, reviewer=403),
        method="post",
        data=lambda w: {
            "key": "shared",
            "kind": "research",
            "author-count": "0",
            "title": "Hacked",
            "year": "2020",
        },
        changes=frozenset({"writer", "other_writer", "editor"}),
    ),
    Case(
        "make oneself a superuser",
        lambda w: w.admin("auth_user_add"),
        _all(403),
        method="post",
        data=lambda w: {
            "username": "mallory",
            "password1": "x-Long-pass-123",
            "password2": "x-Long-pass-123",
            "is_superuser": "on",
        },
    ),
    Case(
        "grant a group every permission",
        lambda w: w.admin("auth_group_change", Group.objects.get(name="Writers").pk),
        _all(403),
        method="post",
        data=lambda w: {"name": "Writers", "permissions": list(range(1, 200))},
    ),
    Case(
        "rename a writer's profile (another writer's is not theirs to change)",
        lambda w: w.admin("people_writerprofile_change", w.users["writer"].writer_profile.pk),
        # other_writer: not in their list, the admin answers as for a missing object.
        _all(403, writer=302, other_writer=302, editor=302),
        method="post",
        data=lambda w: {
            "user": w.users["other_writer"].pk,
            "display_name": "Renamed",
            "slug": "renamed",
            "credentials": "",
            "job_title": "",
            "bio": "",
            "expertise": "",
            "conflict_of_interest": "",
        },
        changes=frozenset({"writer", "editor"}),
    ),
    Case(
        "change a reviewer's credentials",
        lambda w: w.admin("people_reviewerprofile_change", w.users["reviewer"].reviewer_profile.pk),
        _all(403, editor=302),
        method="post",
        data=lambda w: {
            "user": w.users["reviewer"].pk,
            "display_name": "Dr X",
            "slug": "x",
            "credentials": "Quack",
            "specialty": "Any",
            "is_active": "on",
        },
        changes=frozenset({"editor"}),
    ),
    Case(
        "delete an audit entry",
        lambda w: w.admin("reviews_auditentry_delete", w.in_review.audit_entries.first().pk),
        _all(403),
        method="post",
        data=lambda w: {"post": "yes"},
    ),
    Case(
        "add an audit entry",
        lambda w: w.admin("reviews_auditentry_add"),
        _all(403),
        method="post",
        data=lambda w: {"article": w.draft.pk, "transition": "approve", "to_status": "approved"},
    ),
    Case(
        "switch off one's review emails",
        lambda w: w.admin("reviews_notificationpreference_mine"),
        _all(302),
        method="post",
        data=lambda w: {},
        changes=frozenset(ROLES[1:]) - {"expired_reviewer"},
    ),
    # --- the change form's buttons: they save the form and open the action's page ---
    Case(
        "submit a draft (button)",
        lambda w: w.admin("articles_article_change", w.draft.pk),
        _all(302),
        method="post",
        data=lambda w: _form(w, w.draft, _workflow_action="submit"),
    ),
    Case(
        "assign_reviewer as a button",
        lambda w: w.admin("articles_article_change", w.submitted.pk),
        _all(302),
        method="post",
        data=lambda w: {**_form(w, w.submitted), "_workflow_action": "assign_reviewer"},
    ),
    # --- every action, through its one view ---------------------------------------
    Case(
        "the approve page (GET)",
        lambda w: w.action(w.in_review, "approve"),
        _all(403, reviewer=200, other_writer=404, other_reviewer=403),
    ),
    Case(
        "submit",
        lambda w: w.action(w.draft, "submit"),
        _all(403, writer=302, editor=302, other_writer=404),
        method="post",
        data=lambda w: factories.read(w.draft),
        changes=frozenset({"writer", "editor"}),
    ),
    Case(
        "claim",
        lambda w: w.action(w.submitted, "start_review"),
        _all(403, reviewer=302, other_writer=404),
        method="post",
        data=lambda w: factories.read(w.submitted),
        changes=frozenset({"reviewer", "other_reviewer"}),
    ),
    # Only the holder decides; another board member needs it released or reassigned.
    Case(
        "take an article another board member holds",
        lambda w: w.action(w.in_review, "start_review"),
        _all(403, other_writer=404),
        method="post",
        data=lambda w: factories.read(w.in_review),
    ),
    Case(
        "approve",
        lambda w: w.action(w.in_review, "approve"),
        _all(403, reviewer=302, other_writer=404, other_reviewer=403),
        method="post",
        data=lambda w: {**CHECKED, **factories.read(w.in_review)},
        changes=frozenset({"reviewer"}),
    ),
    Case(
        "approve without the checklist or the signature",
        lambda w: w.action(w.in_review, "approve"),
        _all(403, reviewer=400, other_writer=404, other_reviewer=403),
        method="post",
        data=lambda w: factories.read(w.in_review),
    ),
    Case(
        "approve with a wrong password",
        lambda w: w.action(w.in_review, "approve"),
        _all(403, reviewer=400, other_writer=404, other_reviewer=403),
        method="post",
        data=lambda w: {**CHECKED, "password": "not-the-password", **factories.read(w.in_review)},
    ),
    Case(
        "request changes",
        lambda w: w.action(w.in_review, "request_changes"),
        _all(403, reviewer=302, other_writer=404, other_reviewer=403),
        method="post",
        data=lambda w: {"comment": "Redo it", **factories.read(w.in_review)},
        changes=frozenset({"reviewer"}),
    ),
    Case(
        "release an article in review",
        lambda w: w.action(w.in_review, "release"),
        _all(403, reviewer=302, other_writer=404, other_reviewer=403),
        method="post",
        data=lambda w: factories.read(w.in_review),
        changes=frozenset({"reviewer"}),
    ),
    Case(
        "archive",
        lambda w: w.action(w.draft, "archive"),
        _all(403, editor=302, other_writer=404),
        method="post",
        data=lambda w: {"reason": "Gone", **factories.read(w.draft)},
        changes=frozenset({"editor"}),
    ),
    Case(
        "archive a live article",
        lambda w: w.action(w.approved, "archive"),
        _all(403, editor=302, other_writer=404),
        method="post",
        data=lambda w: {"reason": "Gone", **factories.read(w.approved)},
        changes=frozenset({"editor"}),
    ),
    Case(
        "restore an archived article",
        lambda w: w.action(w.archived, "restore"),
        _all(403, editor=302, other_writer=404),
        method="post",
        data=lambda w: factories.read(w.archived),
        changes=frozenset({"editor"}),
    ),
    Case(
        "assign a reviewer",
        lambda w: w.action(w.submitted, "assign_reviewer"),
        _all(403, editor=302, other_writer=404),
        method="post",
        data=lambda w: {"reviewer": w.users["reviewer"].pk, **factories.read(w.submitted)},
        changes=frozenset({"editor"}),
    ),
    Case(
        "reschedule with nothing scheduled",
        lambda w: w.action(w.approved, "reschedule"),
        _all(409, other_writer=404),
        method="post",
        data=lambda w: {"go_live_at": "", **factories.read(w.approved)},
    ),
    Case(
        "comment on the revision under review",
        lambda w: w.admin("articles_article_comment", w.in_review.pk),
        _all(302, other_writer=404),
        method="post",
        data=lambda w: {"body": "A note"},
        changes=frozenset({"writer", "reviewer", "other_reviewer", "editor"}),
    ),
    Case(
        "a made-up action",
        lambda w: w.action(w.submitted, "publish"),
        _all(404),
        method="post",
    ),
]


def _login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_access(case: Case, world: World):
    for role in ROLES:
        savepoint = transaction.savepoint()
        try:
            client = Client()
            client.raise_request_exception = False
            if role != "anonymous":
                client.force_login(world.users[role])
            before = fingerprint()
            request = client.post if case.method == "post" else client.get
            response = request(case.url(world), case.data(world))
            expected = case.expect[role]
            where = f"{case.name} as {role}"
            if expected == LOGIN:
                assert _login_redirect(response), f"{where}: {response.status_code}"
            else:
                assert response.status_code == expected, f"{where}: {response.status_code}"
            if role in case.changes:
                assert fingerprint() != before, f"{where}: nothing changed"
            else:
                assert fingerprint() == before, f"{where}: something changed"
        finally:
            transaction.savepoint_rollback(savepoint)


def test_a_cross_site_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["writer"])
    before = fingerprint()
    url = world.admin("articles_article_change", world.draft.pk)
    response = client.post(url, _form(world, world.draft, title="Hacked"))
    assert response.status_code == 403
    assert fingerprint() == before


def test_the_matrix_covers_every_admin_and_every_transition(world):
    """Each model registered in the admin has its list in a case; each workflow action
    is posted by a case."""
    urls = {case.url(world) for case in CASES}
    for model in admin.site._registry:
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert changelist in urls, changelist
    posted = {case.url(world) for case in CASES if case.method == "post"}
    for name in actions.ACTIONS:
        assert any(f"/action/{name}/" in url for url in posted), name
