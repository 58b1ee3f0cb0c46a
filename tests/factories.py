"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import reauth
from articles.models import Article, Topic
from references.models import Reference
from reviews import roles, services
from reviews.models import ReviewerProfile


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    is_staff = True
    password = factory.django.Password("pw")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


def writer(**kwargs):
    return UserFactory(groups=[roles.WRITERS], **kwargs)


def editor(**kwargs):
    return UserFactory(groups=[roles.EDITORS], **kwargs)


def reviewer(*, specialty: str = "Neurology", expires_in_days: int = 365, **kwargs):
    """A board member with verified, current credentials."""
    user = UserFactory(groups=[roles.REVIEWERS], **kwargs)
    today = timezone.localdate()
    ReviewerProfileFactory(
        user=user,
        specialty=specialty,
        credentials_verified_on=today - datetime.timedelta(days=30),
        credentials_expire_on=today + datetime.timedelta(days=expires_in_days),
    )
    return get_user_model().objects.get(pk=user.pk)


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerProfile

    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda p: f"Dr {p.user.first_name} {p.user.last_name}")
    slug = factory.Sequence(lambda n: f"reviewer-{n}")
    credentials = "MD"
    specialty = "Neurology"
    bio = "Consultant."
    conflict_of_interest = "None declared."


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    key = factory.Sequence(lambda n: f"source{n}")
    kind = Reference.Kind.RESEARCH
    author = factory.LazyFunction(lambda: [{"family": "Smith", "given": "J"}])
    title = factory.Sequence(lambda n: f"A study of treatment number {n}")
    container_title = "BMJ"
    year = 2021


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short, plain summary."
    body = factory.LazyFunction(lambda: f"Evidence says so [@{ReferenceFactory().key}].")
    topic = factory.SubFactory(TopicFactory)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create:
            self.authors.add(*(extracted or [writer()]))


def signature(user, password: str = "pw"):
    """The approver's re-authentication, as the approval form obtains it (factory password)."""
    return reauth.reauthenticate(user=user, password=password)


def claim_and_approve(article, user, *, go_live_at=None):
    """Claim a submitted article and sign it off with the full checklist."""
    article = services.review_start(article=article, user=user)
    return services.review_approve(
        article=article,
        user=user,
        checklist=dict.fromkeys(services.REVIEW_CHECKLIST, True),
        go_live_at=go_live_at,
        signature=signature(user),
    )


def publish(*, writer, reviewer, **fields):
    """A live article: drafted by `writer`, submitted, claimed and signed off by `reviewer`."""
    article = ArticleFactory(authors=[writer], **fields)
    article = services.article_submit(article=article, user=writer)
    return claim_and_approve(article, reviewer)


def approve_edit(article, *, writer, reviewer, **changes):
    """A new revision of a live article (its fields set to `changes`), approved."""
    for name, value in changes.items():
        setattr(article, name, value)
    article = services.article_save(article=article, user=writer, changed_fields=list(changes))
    article = services.article_submit(article=article, user=writer)
    return claim_and_approve(article, reviewer)
