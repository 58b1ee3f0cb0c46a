"""The reference list grouped by kind: each group in a fixed order, each source keeping the
number the text gives it, in ascending order within its group."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from references.listing import group_of, reference_list
from reviews import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_groups_keep_the_numbers_of_the_text_in_ascending_order():
    kinds = ["research", "guideline", "drug_label", "webpage", "systematic_review", "guideline"]
    refs = [factories.ReferenceFactory(kind=kind) for kind in kinds]
    listed = reference_list(refs, grouped=True)
    assert [(g.label, [e.number for e in g.entries]) for g in listed.groups] == [
        ("Guidelines", [2, 6]),
        ("Drug labels and prescribing information", [3]),
        ("Research", [1, 5]),
        ("Other sources", [4]),
    ]
    assert len(listed) == 6
    ungrouped = reference_list(refs)
    assert [e.number for e in ungrouped.groups[0].entries] == [1, 2, 3, 4, 5, 6]
    assert not ungrouped.grouped


def test_every_kind_has_a_group():
    assert group_of("book") == group_of("dataset") == group_of("webpage") == "other"
    assert group_of("systematic_review") == "research"


def test_a_grouped_page_lists_each_source_under_its_kind_with_its_inline_number(
    client, writer, reviewer
):
    factories.ReferenceFactory(key="trial", kind="research", title="Trial title")
    factories.ReferenceFactory(key="nice", kind="guideline", title="NICE title")
    factories.ReferenceFactory(key="label", kind="drug_label", title="Label title")
    article = factories.ArticleFactory(
        authors=[writer],
        body="A [@trial]. B [@nice]. C [@label]. D [@trial; @label].",
        group_references=True,
    )
    article = services.article_submit(article=article, user=writer)
    factories.claim_and_approve(article, reviewer)
    page = client.get(reverse("articles:detail", kwargs={"slug": article.slug})).text
    section = re.search(r'<section class="references references--grouped".*?</section>', page, re.S)
    assert section, "the list is grouped"
    listed = section.group(0)
    groups = re.findall(
        r'<h3 class="reference-group">([^<]+)</h3>\s*<ol[^>]*>(.*?)</ol>', listed, re.S
    )
    assert [
        (label, re.findall(r'<li id="ref-(\d+)" value="(\d+)"', items)) for label, items in groups
    ] == [
        ("Guidelines", [("2", "2")]),
        ("Drug labels and prescribing information", [("3", "3")]),
        ("Research", [("1", "1")]),
    ]
    # Every inline number finds its entry, and the entry is the source cited there.
    for number, title in (("1", "Trial title"), ("2", "NICE title"), ("3", "Label title")):
        assert re.search(rf'<li id="ref-{number}" value="{number}">.*?{title}', listed)
    for target in re.findall(r'href="#(ref-\d+)"', page):
        assert page.count(f'id="{target}"') == 1


def test_grouping_is_part_of_the_revision(client, writer, reviewer):
    factories.ReferenceFactory(key="trial", kind="research")
    article = factories.publish(writer=writer, reviewer=reviewer, body="A [@trial].")
    assert article.live_revision.group_references is False
    article.group_references = True
    services.article_save(article=article, user=writer, changed_fields=["group_references"])
    article.refresh_from_db()
    # A content change: a new draft, and the live page keeps its plain list until approved.
    assert article.status == "draft"
    page = client.get(article.get_absolute_url()).text
    assert "references--grouped" not in page
    factories.claim_and_approve(services.article_submit(article=article, user=writer), reviewer)
    page = client.get(article.get_absolute_url()).text
    assert "references--grouped" in page
