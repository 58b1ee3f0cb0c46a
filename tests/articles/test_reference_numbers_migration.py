"""Migration 0021 gives every revision its pages' reference lists, then requires them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import markdown
from articles.audiences import Audience
from articles.models import ArticleRevision
from tests import factories

BEFORE = [("articles", "0020_backfill_revision_reviewers")]


@pytest.mark.django_db(transaction=True)
def test_a_revision_saved_without_its_lists_gets_those_a_new_revision_gets():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    everywhere, trial, label = (factories.ReferenceFactory() for _ in range(3))
    body = f"Cramps are common [@{everywhere.key}]."
    professional_body = f"Quinine [@{trial.key}; @{label.key}], rarely advised [@{everywhere.key}]."
    # Frozen as before evidence sections: one numbering over the body, then the
    # professional section; no lists of its own.
    frozen = markdown.render_article(body, professional_body)
    user = old.get_model("auth", "User").objects.create(username="old-hand")
    topic = old.get_model("articles", "Topic").objects.create(name="Old", slug="old")
    article = old.get_model("articles", "Article").objects.create(
        title="Cramps", slug="cramps", summary="s", body=body, topic=topic
    )
    revisions = old.get_model("articles", "ArticleRevision")
    fields = {"article": article, "title": "Cramps", "slug": "cramps", "summary": "s"}
    unlisted = revisions.objects.create(
        **fields,
        number=1,
        body=body,
        professional_body=professional_body,
        body_html=frozen.body_html,
        professional_html=frozen.professional_html,
        reference_numbers=None,
        topic=topic,
        created_by=user,
        content_hash="0" * 64,
    )
    for position, reference in enumerate(frozen.references, 1):
        old.get_model("articles", "RevisionReference").objects.create(
            revision=unlisted, reference_id=reference.pk, position=position
        )
    listed = revisions.objects.create(
        **fields,
        number=2,
        body="b",
        body_html="<p>b</p>",
        reference_numbers={"patient": [], "professional": [label.pk]},
        topic=topic,
        created_by=user,
        content_hash="1" * 64,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    numbers = ArticleRevision.objects.get(pk=unlisted.pk).reference_numbers
    assert numbers == {
        Audience.PATIENT: [everywhere.pk],  # the patient page reads the body alone
        Audience.PROFESSIONAL: [everywhere.pk, trial.pk, label.pk],
    }
    # The lists a revision of the same text gets today.
    assert numbers == markdown.render_pages(body, professional_body, []).reference_numbers()
    assert ArticleRevision.objects.get(pk=listed.pk).reference_numbers == {
        Audience.PATIENT: [],
        Audience.PROFESSIONAL: [label.pk],
    }
