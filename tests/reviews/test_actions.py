"""The action model: every workflow action, declared once, taken through one view.

The central test walks each action in reviews.actions.ACTIONS twice, through the change
form's button and through the workbench, and checks that both end in the same state,
the same audit entry and the same message.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleRevision
from articles.states import Status
from reviews import actions, services, workflow
from reviews.models import ApprovalSignature, AuditEntry, ReviewComment, ReviewDecision
from tests import factories
from tests.conftest import FULL_CHECKLIST
from tests.reviews.test_admin_workflow import change_form_data

pytestmark = pytest.mark.django_db


def action_url(article: Article, name: str) -> str:
    return reverse("admin:articles_article_action", args=[article.pk, name])


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def fresh(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


# --- how to reach each action's starting state, who takes it, and what they enter ----------


def _draft(people) -> Article:
    return factories.ArticleFactory(authors=[people["writer"]])


def _submitted(people) -> Article:
    return services.article_submit(article=_draft(people), user=people["writer"])


def _in_review(people) -> Article:
    return services.review_start(article=_submitted(people), user=people["reviewer"])


def _approved(people) -> Article:
    return factories.approve(_in_review(people), people["reviewer"])


def _scheduled(people) -> Article:
    later = timezone.now() + datetime.timedelta(days=2)
    return factories.claim_and_approve(_submitted(people), people["board_editor"], go_live_at=later)


def _archived(people) -> Article:
    return services.article_archive(
        article=_approved(people), user=people["editor"], reason="Withdrawn for now."
    )


WALKS: dict[str, tuple[Callable, str, Callable[[dict], dict]]] = {
    "submit": (_draft, "writer", lambda p: {"comment": "First version."}),
    "start_review": (_submitted, "reviewer", lambda p: {}),
    "request_changes": (_in_review, "reviewer", lambda p: {"comment": "Cite the 2024 label."}),
    "approve": (_in_review, "reviewer", lambda p: {**FULL_CHECKLIST, "password": "pw"}),
    "assign_reviewer": (_submitted, "editor", lambda p: {"reviewer": p["reviewer"].pk}),
    "release": (_in_review, "reviewer", lambda p: {"comment": "Away this week."}),
    "reschedule": (_scheduled, "editor", lambda p: {"go_live_at": ""}),
    "archive": (_approved, "editor", lambda p: {"reason": "Superseded by new guidance."}),
    "restore": (_archived, "editor", lambda p: {"comment": "Back for an update."}),
}


@pytest.fixture
def people(writer, reviewer, editor, board_editor):
    return {"writer": writer, "reviewer": reviewer, "editor": editor, "board_editor": board_editor}


def test_every_action_in_the_table_is_walked():
    assert set(WALKS) == set(actions.ACTIONS)


def test_every_transition_people_take_is_an_action():
    people_take = {
        name
        for name in ("submit", "start_review", "request_changes", "approve", "archive", "restore")
        if workflow.step(name).rule is not workflow.SYSTEM_RULE
    }
    assert people_take <= set(actions.ACTIONS)


def _messages(response) -> list[str]:
    """The messages shown on the page the action led to."""
    return [str(m) for m in response.context["messages"]]


def _last_entry(article: Article) -> tuple:
    entry = AuditEntry.objects.filter(article=article).latest("seq")
    return (entry.transition, entry.from_status, entry.to_status, entry.comment, entry.actor_id)


def _through_the_change_form(client, article: Article, name: str, data: dict):
    button = change_form_data(client, article, _workflow_action=name)
    page = client.post(change_url(article), button, follow=True)
    assert page.redirect_chain[-1][0] == f"{action_url(article, name)}?next=change"
    assert page.status_code == 200
    # The action's page: the article, what will happen, and no "None" anywhere.
    assert article.title in page.text
    assert "What happens" in page.text
    assert ">None<" not in page.text
    # What the page carries of what it showed (the state, the revision under review).
    read = {field.name: field.value() for field in page.context["form"].hidden_fields()}
    return client.post(action_url(article, name), {**data, **read, "next": "change"}, follow=True)


def _through_the_workbench(client, article: Article, name: str, data: dict):
    return client.post(
        action_url(article, name),
        {**data, **factories.read(article), "next": "review"},
        follow=True,
    )


@pytest.mark.parametrize("name", list(WALKS))
def test_change_form_button_and_workbench_give_the_same_result(client, people, name):
    start, actor_key, data_for = WALKS[name]
    by_button, by_workbench = start(people), start(people)
    actor = people[actor_key]
    client.force_login(actor)

    first = _through_the_change_form(client, by_button, name, data_for(people))
    second = _through_the_workbench(client, by_workbench, name, data_for(people))

    assert first.redirect_chain[0] == (change_url(by_button), 302)
    review = reverse("admin:articles_article_review", args=[by_workbench.pk])
    assert second.redirect_chain[0] == (review, 302)
    assert fresh(by_button).status == fresh(by_workbench).status
    assert _last_entry(by_button)[1:] == _last_entry(by_workbench)[1:]
    assert _last_entry(by_button)[0] == actions.ACTIONS[name].audit
    assert _messages(first) == _messages(second) != []


def test_assigning_a_reviewer_no_longer_fails(client, editor, reviewer, submitted):
    """It used to be offered as a transition it is not, and answered 500."""
    client.force_login(editor)

    page = client.get(action_url(submitted, "assign_reviewer"))
    response = client.post(
        action_url(submitted, "assign_reviewer"),
        {"reviewer": reviewer.pk, **factories.read(submitted)},
    )

    assert page.status_code == 200
    assert response.status_code == 302
    assert fresh(submitted).assigned_reviewer == reviewer


def test_a_reviewer_sees_no_go_live_field_and_an_editor_does(client, reviewer, board_editor, db):
    writer = factories.writer(username="wes")
    for_reviewer = services.review_start(
        article=services.article_submit(
            article=factories.ArticleFactory(authors=[writer]), user=writer
        ),
        user=reviewer,
    )
    for_editor = services.review_start(
        article=services.article_submit(
            article=factories.ArticleFactory(authors=[writer]), user=writer
        ),
        user=board_editor,
    )
    client.force_login(reviewer)
    assert 'name="go_live_at"' not in client.get(action_url(for_reviewer, "approve")).text
    client.force_login(board_editor)
    assert 'name="go_live_at"' in client.get(action_url(for_editor, "approve")).text


def test_the_archive_page_says_the_public_url_will_answer_410(client, editor, approved):
    client.force_login(editor)

    page = client.get(action_url(approved, "archive"))

    assert f"The public URL {approved.get_absolute_url()} will answer 410 Gone" in page.text
    assert 'name="reason"' in page.text


def test_buttons_offered_are_the_actions_the_user_may_take(client, reviewer, writer, in_review):
    client.force_login(reviewer)
    offered = {a.name for a in client.get(change_url(in_review)).context["workflow_actions"]}
    assert offered == {"request_changes", "approve", "release"}
    client.force_login(writer)
    assert client.get(change_url(in_review)).context["workflow_actions"] == []


def test_a_refused_action_page_says_why_and_changes_nothing(client, writer, in_review):
    client.force_login(writer)

    page = client.get(action_url(in_review, "approve"))
    post = client.post(action_url(in_review, "approve"), {**FULL_CHECKLIST, "password": "pw"})

    assert page.status_code == post.status_code == 403
    assert "You wrote or co-wrote this article" in post.text
    assert fresh(in_review).status == Status.IN_REVIEW


def test_an_action_posted_from_a_page_that_went_stale_is_refused_with_409(
    client, reviewer, in_review
):
    """Reviewer A opens "Request changes"; meanwhile (in another tab) A sends the revision
    back and the writers resubmit: A's request must not land on a revision A never read."""
    client.force_login(reviewer)
    seen = client.get(action_url(in_review, "request_changes")).context["form"]["seen"].value()
    services.review_request_changes(
        article=in_review, user=reviewer, comment="Check the dose table."
    )
    writer = in_review.authors.get()
    services.article_submit(article=in_review, user=writer)  # back in review with A

    response = client.post(
        action_url(in_review, "request_changes"), {"comment": "Old point.", "seen": seen}
    )

    assert response.status_code == 409
    assert "changed while you had the page open" in response.text
    assert not ReviewDecision.objects.filter(comment="Old point.").exists()


def test_approving_a_revision_other_than_the_one_read_is_refused(client, reviewer, in_review):
    client.force_login(reviewer)
    page = client.get(action_url(in_review, "approve"))
    read = page.context["form"]["revision"].value()
    writer = in_review.authors.get()
    services.review_request_changes(article=in_review, user=reviewer, comment="Fix.")
    services.article_submit(article=in_review, user=writer)  # back in review with them

    # A page showing the current state, but naming the revision read earlier.
    response = client.post(
        action_url(in_review, "approve"),
        {**FULL_CHECKLIST, "password": "pw", **factories.read(in_review), "revision": read},
    )

    assert response.status_code == 409
    assert "not the revision 1 you read" in response.text
    assert fresh(in_review).status == Status.IN_REVIEW


def test_a_second_approval_racing_the_first_answers_409_not_500(client, reviewer, in_review):
    """Two tabs, one approval: the unique constraint holds and the second is a clear 409."""
    client.force_login(reviewer)
    url = action_url(in_review, "approve")
    read = factories.read(in_review)
    first = client.post(url, {**FULL_CHECKLIST, "password": "pw", **read})
    second = client.post(url, {**FULL_CHECKLIST, "password": "pw", **read})

    assert first.status_code == 302
    assert second.status_code == 409
    assert ReviewDecision.objects.filter(kind=ReviewDecision.Kind.APPROVE).count() == 1


# --- what the page showed, and the revision read: required, and exactly so ------------

# The actions that act on the revision under review, with what their user enters.
ON_THE_REVISION = {
    "approve": {**FULL_CHECKLIST, "password": "pw"},
    "request_changes": {"comment": "Cite the 2024 label."},
}


def _another_articles_revision(writer) -> str:
    other = factories.ArticleFactory(authors=[writer], slug="another-article")
    return str(services.article_submit(article=other, user=writer).current_revision_id)


def _no_revision(writer) -> str:
    return str(ArticleRevision.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000)


REVISIONS_NOT_UNDER_REVIEW: dict[str, Callable] = {
    "another article's revision": _another_articles_revision,
    "a revision that does not exist": _no_revision,
    "an empty id": lambda writer: "",
    "no id at all": lambda writer: None,
    "not an integer": lambda writer: "1 or 1=1",
    "beyond any id": lambda writer: str(2**70),
}


def _nothing_happened(article: Article, entries_before: int) -> None:
    assert fresh(article).status == Status.IN_REVIEW
    assert AuditEntry.objects.count() == entries_before
    assert not ReviewDecision.objects.exists()
    assert not ApprovalSignature.objects.exists()
    assert not ReviewComment.objects.exists()


@pytest.mark.parametrize("name", ON_THE_REVISION)
@pytest.mark.parametrize("posted", REVISIONS_NOT_UNDER_REVIEW)
def test_an_action_naming_any_revision_but_the_one_under_review_is_refused(
    client, reviewer, writer, in_review, name, posted
):
    revision = REVISIONS_NOT_UNDER_REVIEW[posted](writer)
    data = {**ON_THE_REVISION[name], **factories.read(in_review), "revision": revision}
    if revision is None:
        del data["revision"]
    entries_before = AuditEntry.objects.count()
    client.force_login(reviewer)

    response = client.post(action_url(in_review, name), data)

    assert response.status_code == 400
    assert "nothing was done" in response.text
    _nothing_happened(in_review, entries_before)


@pytest.mark.parametrize("name", ON_THE_REVISION)
def test_an_action_naming_the_revision_under_review_is_taken(client, reviewer, in_review, name):
    client.force_login(reviewer)

    response = client.post(
        action_url(in_review, name), {**ON_THE_REVISION[name], **factories.read(in_review)}
    )

    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    assert decision.revision_id == in_review.current_revision_id
    assert AuditEntry.objects.latest("seq").transition == actions.ACTIONS[name].audit


@pytest.mark.parametrize("name", ON_THE_REVISION)
def test_an_action_without_what_its_page_showed_is_refused(client, reviewer, in_review, name):
    data = {**ON_THE_REVISION[name], **factories.read(in_review)}
    del data["seen"]
    entries_before = AuditEntry.objects.count()
    client.force_login(reviewer)

    response = client.post(action_url(in_review, name), data)

    assert response.status_code == 400
    assert "did not say what you saw of the article" in response.text
    _nothing_happened(in_review, entries_before)


def test_any_action_without_what_its_page_showed_is_refused(client, editor, approved):
    entries_before = AuditEntry.objects.count()
    client.force_login(editor)

    response = client.post(action_url(approved, "archive"), {"reason": "Superseded."})

    assert response.status_code == 400
    assert "did not say what you saw of the article" in response.text
    assert fresh(approved).status == Status.APPROVED
    assert AuditEntry.objects.count() == entries_before


def test_the_queue_and_review_buttons_carry_what_their_page_showed(client, reviewer, submitted):
    client.force_login(reviewer)
    token = factories.read(submitted)["seen"]

    queue = client.get(reverse("admin:articles_article_queue")).text
    review = client.get(reverse("admin:articles_article_review", args=[submitted.pk])).text

    assert f'name="seen" value="{token}"' in queue
    assert f'name="seen" value="{token}"' in review
