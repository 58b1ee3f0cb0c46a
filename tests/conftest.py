"""Suite-wide fixtures; the few settings tests must override live here."""

from __future__ import annotations

import pytest

from reviews import services
from tests import factories


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def writer(db):
    return factories.writer(username="wanda")


@pytest.fixture
def editor(db):
    return factories.editor(username="eddie")


@pytest.fixture
def reviewer(db):
    return factories.reviewer(username="rhea")


@pytest.fixture
def second_reviewer(db):
    return factories.reviewer(username="sam", specialty="Clinical pharmacology")


@pytest.fixture
def draft(writer):
    return factories.ArticleFactory(authors=[writer])


@pytest.fixture
def submitted(draft, writer):
    return services.article_submit(article=draft, user=writer)


@pytest.fixture
def in_review(submitted, reviewer):
    return services.review_start(article=submitted, user=reviewer)


@pytest.fixture
def approved(in_review, reviewer):
    return services.review_approve(article=in_review, user=reviewer)
