"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime
import io
import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from accounts import reauth
from articles.models import Article, Topic
from images import services as image_services
from images.models import Image
from people import roles
from people.models import ReviewerProfile, WriterProfile
from references.models import Reference
from reviews import services
from reviews.forms import seen_token


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


class WriterProfileFactory(factory.django.DjangoModelFactory):
    """A writer's public profile (bylines name only writers who have one)."""

    class Meta:
        model = WriterProfile

    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda p: f"{p.user.first_name} {p.user.last_name}")
    slug = factory.Sequence(lambda n: f"writer-{n}")
    credentials = ""
    job_title = "Health writer"
    bio = "Writes about medicines."
    conflict_of_interest = ""


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


def read(article) -> dict[str, str]:
    """What an action page carries of what its user saw: the article's state and the
    revision under review (reviews.forms), as of now. Post it with an action's fields."""
    article = Article.objects.get(pk=article.pk)
    return {"seen": seen_token(article), "revision": str(article.current_revision_id or "")}


# A reviewer confirms every checklist item before an approval counts.
FULL_CHECKLIST = dict.fromkeys(services.REVIEW_CHECKLIST, True)


def submitted(writer, **fields):
    """A new article by `writer` (ArticleFactory `fields`), submitted for review."""
    article = ArticleFactory(authors=[writer], **fields)
    return services.article_submit(article=article, user=writer)


def approve(article, user, **options):
    """`user` signs off an article they have claimed: the full checklist, signed with their
    password unless `options` (as review_approve takes them) carry another signature."""
    if "signature" not in options:
        options["signature"] = signature(user)
    return services.review_approve(article=article, user=user, checklist=FULL_CHECKLIST, **options)


def claim_and_approve(article, user, *, go_live_at=None):
    """Claim a submitted article and sign it off with the full checklist."""
    article = services.review_start(article=article, user=user)
    return approve(article, user, go_live_at=go_live_at)


def take_live(article, *, writer, reviewer):
    """A draft, submitted by `writer`, claimed and signed off by `reviewer`."""
    article = services.article_submit(article=article, user=writer)
    return claim_and_approve(article, reviewer)


def publish(*, writer, reviewer, **fields):
    """A live article: drafted by `writer`, submitted, claimed and signed off by `reviewer`."""
    return take_live(ArticleFactory(authors=[writer], **fields), writer=writer, reviewer=reviewer)


def approve_edit(article, *, writer, reviewer, **changes):
    """A new revision of a live article (its fields set to `changes`), approved."""
    for name, value in changes.items():
        setattr(article, name, value)
    article = services.article_save(article=article, user=writer, changed_fields=list(changes))
    article = services.article_submit(article=article, user=writer)
    return claim_and_approve(article, reviewer)


def image_bytes(
    width: int = 1200,
    height: int = 800,
    kind: str = "JPEG",
    *,
    exif: bool = False,
    mark: int = 0,
) -> bytes:
    """An image file made with Pillow (a gradient, so renditions are real work); a `mark`
    puts a white square at a place of its own, so that files with different marks differ."""
    image = PILImage.linear_gradient("L").resize((width, height)).convert("RGB")
    if mark:
        across = width // 8
        x, y = mark % across * 8, mark // across * 8 % height
        image.paste((255, 255, 255), (x, y, x + 8, y + 8))
    buffer = io.BytesIO()
    options = {}
    if exif:
        tags = PILImage.Exif()
        tags[0x010F] = "PhoneMaker"  # Make
        tags[0x0132] = "2024:01:01 10:00:00"  # DateTime
        tags[0x8825] = {2: (51.0, 30.0, 0.0), 1: "N"}  # GPS position
        options["exif"] = tags.tobytes()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def upload(data: bytes | None = None, name: str = "figure.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if data is None else data)


_image_marks = itertools.count(1)


def library_image(user, *, data: bytes | None = None, **text) -> Image:
    """An image uploaded to the library through the service, with all its words; a file of
    its own unless `data` is given (the library refuses a file it already has)."""
    if data is None:
        data = image_bytes(mark=next(_image_marks))
    words = {
        "alt_text": "Diagram of the median nerve in the wrist",
        "caption": "The carpal tunnel, seen from the palm.",
        "credit": "Illustration: Jane Doe",
        "licence": "CC BY 4.0",
        **text,
    }
    return image_services.image_upload(file=upload(data), user=user, **words)


def author_form_data(names: list[dict], field: str = "author") -> dict[str, str]:
    """CSL names as the repeating authors field posts them (references.widgets)."""
    data = {f"{field}-count": str(len(names))}
    for i, name in enumerate(names):
        organisation = "literal" in name and "family" not in name
        data[f"{field}-{i}-kind"] = "organisation" if organisation else "person"
        for part in ("family", "given", "suffix", "literal"):
            data[f"{field}-{i}-{part}"] = name.get(part, "")
    return data
