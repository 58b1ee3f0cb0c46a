"""States that explain themselves on the article's change form: the banner (what state,
who holds it, why it is locked, what is next, for the person looking), no Save buttons
where nothing can be saved, refusals said once in plain words, Submit from a live
article's form in one step, and a resubmission going straight back to its reviewer."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles.models import Article
from articles.states import Status
from reviews import services, workflow
from reviews.models import AuditEntry
from tests import factories
from tests.reviews.test_admin_workflow import action_url, change_form_data, change_url, status_of

pytestmark = pytest.mark.django_db

SAVE_BUTTONS = ('name="_save"', 'name="_continue"', 'name="_addanother"')


def banner_of(client, user, article: Article):
    client.force_login(user)
    page = client.get(change_url(article))
    assert page.status_code == 200
    return page.context["state_banner"], page.text


@pytest.fixture
def sent_back(in_review, reviewer):
    return services.review_request_changes(
        article=in_review, user=reviewer, comment="Give the maximum daily dose."
    )


@pytest.fixture
def review_due(approved):
    return services.flag_for_rereview(article=approved, reason="A source was retracted.")


@pytest.fixture
def new_draft_of_live(approved, writer):
    approved.summary = "A shorter, plainer summary."
    return services.article_save(article=approved, user=writer, changed_fields=["summary"])


@pytest.fixture
def archived(draft, editor):
    return services.article_archive(article=draft, user=editor, reason="Duplicate of another.")


# --- the banner, per state and person ------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "person", "title", "says"),
    [
        ("draft", "writer", "Draft", "press “Submit for medical review”"),
        ("draft", "reviewer", "Draft", "Read-only for you"),
        ("submitted", "writer", "Submitted: waiting for a reviewer", "the form is locked"),
        ("submitted", "editor", "Submitted: waiting for a reviewer", "Assign a reviewer"),
        ("submitted", "reviewer", "Submitted: waiting for a reviewer", "Start the review"),
        ("in_review", "writer", "In review", "is reviewing revision 1"),
        ("in_review", "reviewer", "In review", "You are reviewing revision 1"),
        ("sent_back", "writer", "Changes requested", "mark each point addressed"),
        ("sent_back", "reviewer", "Changes requested", "Nothing to do until the writers resubmit"),
        ("approved", "writer", "Live: approved and public", "in one step"),
        ("approved", "reviewer", "Live: approved and public", "Read-only for you"),
        ("new_draft_of_live", "writer", "Draft of changes to a live article", "Readers still see"),
        ("review_due", "reviewer", "Live, due for re-review", "re-confirm the live version"),
        ("review_due", "writer", "Live, due for re-review", "Nothing is needed from you"),
        ("archived", "writer", "Archived", "Only an editor can restore it"),
        ("archived", "editor", "Archived", "Duplicate of another."),
    ],
)
def test_the_banner_says_the_state_and_the_next_step_for_the_person_looking(
    request, client, state, person, title, says
):
    article = request.getfixturevalue(state)
    user = request.getfixturevalue(person)

    banner, html = banner_of(client, user, article)

    assert banner.title == title
    # One labelled region at the top of the form, read by a screen reader as a heading
    # and label/value pairs.
    region = re.search(
        r'<section class="module state-banner[^"]*" id="state-banner" '
        r'aria-labelledby="state-banner-heading">(.*?)</section>',
        html,
        re.S,
    )
    assert region is not None
    assert f'<h2 id="state-banner-heading">{title}</h2>' in region.group(1)
    assert says in region.group(1)


def test_the_banner_names_who_holds_the_article(client, writer, in_review, reviewer):
    banner, _ = banner_of(client, writer, in_review)
    assert reviewer.reviewer_profile.display_name in banner.holder
    assert "the form is locked until they finish" in banner.locked


# --- no Save buttons where nothing can be saved --------------------------------------------


@pytest.mark.parametrize(
    ("state", "person"),
    [("submitted", "writer"), ("in_review", "writer"), ("draft", "reviewer"),
     ("approved", "reviewer"), ("archived", "editor")],
)  # fmt: skip
def test_a_read_only_form_offers_no_save_buttons(request, client, state, person):
    _, html = banner_of(client, request.getfixturevalue(person), request.getfixturevalue(state))
    for button in SAVE_BUTTONS:
        assert button not in html


@pytest.mark.parametrize(("state", "person"), [("draft", "writer"), ("approved", "writer")])
def test_an_editable_form_keeps_its_save_buttons(request, client, state, person):
    _, html = banner_of(client, request.getfixturevalue(person), request.getfixturevalue(state))
    for button in SAVE_BUTTONS:
        assert button in html


def test_a_save_posted_to_a_locked_form_is_still_refused(client, writer, submitted):
    client.force_login(writer)
    data = change_form_data(client, submitted, body="Sneaky edit [@x]", _save="Save")
    response = client.post(change_url(submitted), data)
    assert response.status_code == 409
    assert Article.objects.get(pk=submitted.pk).body == submitted.body


# --- refusals: plain words, said once -------------------------------------------------------


def test_a_writer_on_a_submitted_article_reads_the_refusal_once_in_plain_words(
    client, writer, submitted
):
    _, html = banner_of(client, writer, submitted)
    refusal = workflow.refusal(submitted, "submit", writer)[1]
    assert refusal.startswith("The medical board has this article now")
    assert html.count(refusal) == 1
    assert "not possible while" not in html


@pytest.mark.parametrize("status", list(Status))
def test_every_state_refusal_is_in_plain_words(status):
    article = Article(status=status)
    for name in ("submit", "start_review", "request_changes", "approve", "archive", "restore"):
        if reason := workflow.step(name).state_refusal(article):
            assert "not possible while" not in reason
            assert reason[0].isupper() and reason.endswith(".")


def test_a_blocked_submit_lists_what_to_fix_once_beside_the_button(client, writer):
    article = factories.ArticleFactory(authors=[writer], body="No sources here.")
    client.force_login(writer)
    data = change_form_data(client, article, _workflow_action="submit")

    page = client.post(change_url(article), data, follow=True)

    problem = "The article cites no source; cite at least one reference."
    (message,) = [str(m) for m in page.context["messages"]]
    assert "not submitted" in message and problem not in message
    panel = re.search(r'id="submit-panel">(.*?)</div>\s*</div>', page.text, re.S).group(1)
    assert panel.count(problem) == 1
    assert status_of(article) == Status.DRAFT


# --- Submit from a live article's form, in one step ----------------------------------------


def test_submit_is_enabled_on_a_live_article(client, writer, approved):
    _, html = banner_of(client, writer, approved)
    assert re.search(r'id="submit-for-review"(?! disabled)', html)
    assert 'id="submit-for-review" disabled' not in html


def test_submitting_a_live_articles_edit_saves_and_opens_the_submission_in_one_step(
    client, writer, approved
):
    client.force_login(writer)
    data = change_form_data(
        client, approved, summary="Now with the maximum dose.", _workflow_action="submit"
    )

    page = client.post(change_url(approved), data, follow=True)

    assert page.redirect_chain[-1][0] == f"{action_url(approved, 'submit')}?next=change"
    assert "What happens" in page.text
    assert status_of(approved) == Status.DRAFT  # the edit started the new draft
    read = {field.name: field.value() for field in page.context["form"].hidden_fields()}
    done = client.post(action_url(approved, "submit"), {**read, "next": "change"}, follow=True)
    assert "Submitted for medical review" in done.text
    fresh = Article.objects.get(pk=approved.pk)
    assert fresh.status == Status.SUBMITTED
    assert fresh.summary == "Now with the maximum dose."
    assert fresh.live_revision.number == 1 and fresh.current_revision.number == 2


def test_submitting_an_unchanged_live_article_says_what_to_do_once(client, writer, approved):
    client.force_login(writer)
    data = change_form_data(client, approved, _workflow_action="submit")

    page = client.post(change_url(approved), data, follow=True)

    assert page.redirect_chain[-1][0] == change_url(approved)
    (message,) = [str(m) for m in page.context["messages"]]
    assert message.startswith("Nothing to submit yet")
    assert page.text.count("Nothing to submit yet") == 1
    assert status_of(approved) == Status.APPROVED
    assert approved.revisions.count() == 1


# --- a resubmission goes back to its reviewer, in review -----------------------------------


def test_a_resubmission_returns_to_its_reviewer_in_review(sent_back, writer, reviewer, mailoutbox):
    sent_back.body += "\n\nNever more than 4 g in 24 hours."
    services.article_save(article=sent_back, user=writer, changed_fields=["body"])

    article = services.article_submit(article=sent_back, user=writer, comment="Added it.")

    assert article.status == Status.IN_REVIEW
    assert article.assigned_reviewer == reviewer
    entry = AuditEntry.objects.filter(article=article).latest("seq")
    assert (entry.transition, entry.from_status, entry.to_status, entry.actor) == (
        "submit",
        Status.CHANGES_REQUESTED,
        Status.IN_REVIEW,
        writer,
    )
    assert article.rounds.get(number=2).reviewer == reviewer
    # The reviewer decides straight away, without "Start review".
    assert workflow.refusal(article, "approve", reviewer) is None
    assert workflow.refusal(article, "start_review", reviewer) is not None


def test_the_resubmitted_reviewer_is_emailed(
    sent_back, writer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.article_submit(article=sent_back, user=writer)
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert "Revised after your request" in mailoutbox[0].subject


def test_a_first_submission_still_waits_for_the_board(submitted):
    assert submitted.status == Status.SUBMITTED
    assert submitted.assigned_reviewer is None


def test_the_change_form_links_nothing_needing_start_review_after_resubmission(
    client, sent_back, writer, reviewer
):
    services.article_submit(article=sent_back, user=writer)
    client.force_login(reviewer)
    page = client.get(reverse("admin:articles_article_change", args=[sent_back.pk]))
    names = [action.name for action in page.context["workflow_actions"]]
    assert "start_review" not in names
    assert "approve" in names
