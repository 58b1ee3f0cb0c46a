"""Evidence sections keep an order of their own: a section added with "Add another" starts
after the existing ones, and a section saved without a position, or with one another
section has, is numbered after it rather than all sitting at 0."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import services as content_services
from articles.evidence import SectionText
from articles.models import Article, ArticleSection
from reviews import services
from tests.reviews.test_admin_workflow import change_form_data, change_url

pytestmark = pytest.mark.django_db


def with_sections(article: Article, writer, *bodies: str) -> Article:
    sections = [SectionText(kind="research", heading="", audience="both", body=b) for b in bodies]
    return services.article_sections_set(article=article, user=writer, sections=sections)


def positions(article: Article) -> list[tuple[int, str]]:
    return list(article.sections.order_by("position").values_list("position", "body"))


def existing_rows(article: Article) -> dict[str, str]:
    """The inline rows of the article's saved sections, as the change form posts them."""
    data = {}
    for index, section in enumerate(article.sections.order_by("position")):
        prefix = f"sections-{index}-"
        data.update(
            {
                f"{prefix}id": str(section.pk),
                f"{prefix}article": str(article.pk),
                f"{prefix}position": str(section.position),
                f"{prefix}kind": section.kind,
                f"{prefix}heading": section.heading,
                f"{prefix}audience": section.audience,
                f"{prefix}body": section.body,
            }
        )
    return data


def new_row(index: int, body: str, position: str) -> dict[str, str]:
    prefix = f"sections-{index}-"
    return {
        f"{prefix}position": position,
        f"{prefix}kind": "guidelines",
        f"{prefix}heading": "",
        f"{prefix}audience": "both",
        f"{prefix}body": body,
    }


def test_the_add_another_row_starts_after_the_last_section(client, writer, draft):
    with_sections(draft, writer, "First.", "Second.")
    client.force_login(writer)
    page = client.get(change_url(draft))
    (sections,) = [
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is ArticleSection
    ]
    assert sections.empty_form["position"].value() == 3


def test_a_new_article_s_first_section_starts_at_1(client, writer):
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_add"))
    (sections,) = [inline.formset for inline in page.context["inline_admin_formsets"]]
    assert sections.empty_form["position"].value() == 1


def test_a_section_added_without_a_position_goes_after_the_existing_ones(client, writer, draft):
    with_sections(draft, writer, "First.", "Second.")
    client.force_login(writer)
    data = change_form_data(client, draft)
    data.update(existing_rows(draft))
    data.update(new_row(2, "Added last.", position=""))
    data["sections-TOTAL_FORMS"] = "3"

    response = client.post(change_url(draft), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert positions(draft) == [(1, "First."), (2, "Second."), (3, "Added last.")]


def test_two_sections_added_at_the_same_position_keep_the_order_they_were_added(
    client, writer, draft
):
    """Two rows added with "Add another" before saving both showed the same next position."""
    with_sections(draft, writer, "First.")
    client.force_login(writer)
    data = change_form_data(client, draft)
    data.update(existing_rows(draft))
    data.update(new_row(1, "Added second.", position="2"))
    data.update(new_row(2, "Added third.", position="2"))
    data["sections-TOTAL_FORMS"] = "3"

    response = client.post(change_url(draft), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert positions(draft) == [(1, "First."), (2, "Added second."), (3, "Added third.")]


def test_an_added_row_left_empty_is_ignored(client, writer, draft):
    """The row's position is filled in for the writer; with nothing else it adds nothing."""
    with_sections(draft, writer, "First.")
    client.force_login(writer)
    data = change_form_data(client, draft)
    data.update(existing_rows(draft))
    data.update(
        {
            "sections-1-position": "2",
            "sections-1-kind": "",
            "sections-1-heading": "",
            "sections-1-audience": "professional",
            "sections-1-body": "",
            "sections-TOTAL_FORMS": "2",
        }
    )

    response = client.post(change_url(draft), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert positions(draft) == [(1, "First.")]


def test_the_service_numbers_sections_saved_at_position_0_after_the_others(writer, draft):
    """Whatever writes the sections (a script, an older form), none is left at 0 and no
    two share a position."""
    with_sections(draft, writer, "First.", "Second.")

    def add_two_at_0() -> None:
        for body in ("Added one.", "Added two."):
            ArticleSection.objects.create(article=draft, position=0, kind="other", body=body)

    content_services.article_sections_save(article=draft, user=writer, save=add_two_at_0)

    assert positions(draft) == [
        (1, "First."),
        (2, "Second."),
        (3, "Added one."),
        (4, "Added two."),
    ]


def test_a_writer_can_still_move_a_section_to_the_top(client, writer, draft):
    with_sections(draft, writer, "First.", "Second.")
    client.force_login(writer)
    data = change_form_data(client, draft)
    data.update(existing_rows(draft))
    data["sections-1-position"] = "1"  # "Second." moved up, beside "First."
    data["sections-0-position"] = "5"

    response = client.post(change_url(draft), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert positions(draft) == [(1, "Second."), (2, "First.")]
