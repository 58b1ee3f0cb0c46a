"""Each workflow step is declared once (reviews.actions): its label, rule and audit action
are read from that declaration by the state machine, the screens and the services, never
written a second time."""

from __future__ import annotations

import dataclasses

import django_fsm as fsm
import pytest
from django.urls import reverse

from reviews import actions, workflow
from reviews.models import AuditEntry
from reviews.workflow import ReviewedArticle
from tests import factories
from tests.reviews.test_actions import WALKS, _through_the_workbench, action_url

pytestmark = pytest.mark.django_db

TRANSITIONS = [
    name
    for name in dir(ReviewedArticle)
    if hasattr(getattr(ReviewedArticle, name, None), "_django_fsm")
]


def test_every_transition_is_a_declared_step():
    assert set(TRANSITIONS) == {
        "submit",
        "start_review",
        "request_changes",
        "approve",
        "revise",
        "flag_review_due",
        "archive",
        "restore",
    }
    for name in TRANSITIONS:
        assert workflow.step(name).name == name


@pytest.mark.parametrize("name", TRANSITIONS)
def test_a_transitions_label_and_rule_are_its_declarations(name):
    declared = workflow.step(name)
    for transition in getattr(ReviewedArticle, name)._django_fsm.transitions.values():
        assert transition.custom["label"] == declared.label
        assert transition.custom["rule"] is declared.rule


@pytest.mark.parametrize("name", TRANSITIONS)
def test_a_transitions_permission_is_its_declarations_rule(name, writer, reviewer, editor):
    people = {"writer": writer, "reviewer": reviewer, "editor": editor}
    article = ReviewedArticle.objects.get(pk=_starting_article(name, people).pk)
    method = getattr(article, name)
    for user in (writer, reviewer, editor):
        allowed = workflow.step(name).rule(article, user) is None
        assert fsm.has_transition_perm(method, user) is allowed


def _starting_article(name, people):
    """An article in a state the transition leaves (the permission is asked there)."""
    if name in WALKS:
        return WALKS[name][0](people)
    return WALKS["archive"][0](people)  # approved: revise and flag_review_due leave it


def test_approve_says_one_label_everywhere(client, reviewer, writer, in_review):
    """The button, the page's title and the refusal say what the declaration says."""
    label = actions.get("approve").label
    draft = factories.ArticleFactory(authors=[writer], slug="a-draft")
    client.force_login(reviewer)

    page = client.get(action_url(in_review, "approve"))
    refused = client.get(action_url(draft, "approve"))

    assert f"<h1>{label}</h1>" in page.text
    assert f'value="{label}"' in page.text
    assert refused.status_code == 409
    assert f"still a draft with its writers, so “{label}” isn’t possible now." in refused.text


@pytest.mark.parametrize("name", list(WALKS))
def test_what_each_action_shows_and_records_comes_from_its_declaration(
    client, writer, reviewer, editor, board_editor, monkeypatch, name
):
    """Change an action's declaration, and its page, its refusals and the audit entry its
    service writes change with it."""
    people = {"writer": writer, "reviewer": reviewer, "editor": editor}
    people["board_editor"] = board_editor
    start, actor_key, data_for = WALKS[name]
    article = start(people)
    changed = dataclasses.replace(
        workflow.step(name), label="Renamed step", audit=AuditEntry.Action.FLAG_FOR_REREVIEW
    )
    monkeypatch.setitem(workflow._DECLARED, name, changed)
    monkeypatch.setitem(actions.ACTIONS, name, changed)
    client.force_login(people[actor_key])

    page = client.get(action_url(article, name))
    _through_the_workbench(client, article, name, data_for(people))

    assert "<h1>Renamed step</h1>" in page.text
    entry = AuditEntry.objects.filter(article=article).latest("seq")
    assert entry.transition == AuditEntry.Action.FLAG_FOR_REREVIEW
    if name in TRANSITIONS:
        transition = next(iter(getattr(ReviewedArticle, name)._django_fsm.transitions.values()))
        assert transition.custom["label"] == "Renamed step"


def test_the_queue_offers_start_review_under_its_declared_label(client, reviewer, submitted):
    client.force_login(reviewer)

    queue = client.get(reverse("admin:articles_article_queue"))

    assert f'value="{actions.get("start_review").label}"' in queue.text


def test_the_change_forms_submit_button_says_the_declared_label(client, writer, draft):
    client.force_login(writer)
    label = actions.get("submit").label

    page = client.get(reverse("admin:articles_article_change", args=[draft.pk]))

    button = page.text.split('id="submit-for-review"', 1)[1].split("</button>", 1)[0]
    assert button.endswith(f">{label}")
