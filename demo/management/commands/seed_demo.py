"""Load demo topics, sources, articles and users. Safe to run again (idempotent)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts import reauth
from articles import transparency
from articles.evidence import SectionText
from articles.models import Article, SitePage, Topic
from demo.content import ARTICLES, TOPICS
from demo.figures import FIGURES
from demo.references import REFERENCES
from images import services as image_services
from people import roles
from people.models import ReviewerProfile, WriterProfile
from references.models import Reference
from reviews import services

# Dev-only accounts. seed_demo refuses to run with DEBUG off, so these never reach production.
DEMO_USERS = [
    ("writer", "Wendy", "Writer", [roles.WRITERS], "vetted-writer"),
    ("reviewer", "Rafael", "Okafor", [roles.REVIEWERS], "vetted-reviewer"),
    ("pharmacist", "Priya", "Raman", [roles.REVIEWERS], "vetted-pharmacist"),
    ("editor", "Elena", "Editor", [roles.EDITORS], "vetted-editor"),
]
PROFILES = {
    "reviewer": {
        "display_name": "Dr Rafael Okafor",
        "credentials": "MD",
        "specialty": "Neurology",
        "bio": "Consultant neurologist with an interest in neuropathic pain and movement "
        "disorders.",
        "conflict_of_interest": "None declared.",
    },
    "pharmacist": {
        "display_name": "Priya Raman",
        "credentials": "PharmD",
        "specialty": "Clinical pharmacology",
        "bio": "Clinical pharmacist specialising in medicines safety in older adults.",
        "conflict_of_interest": "Has received speaker fees from a pharmacy education charity.",
    },
}

# What readers see of the demo writers (bylines, /writers/<slug>/, disclosures).
WRITER_PROFILES = {
    "writer": {
        "display_name": "Wendy Writer",
        "credentials": "MPH",
        "job_title": "Health writer",
        "expertise": "medicines and side effects, pain, muscles and joints",
        "bio": "Wendy spent eight years answering readers' questions on a patient helpline "
        "before turning to writing. She explains what the research shows and what it does "
        "not, and asks the board to check every number against its source.",
        "conflict_of_interest": "",
    },
}


class Command(BaseCommand):
    help = "Create demo users, sources and articles in every workflow state (DEBUG only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with published passwords; it runs only with DEBUG=1."
            )
        # The demo walks articles through the real workflow; its emails are not wanted here.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            users = self._users()
            self._library()
            self._site_pages()
            created = self._articles(users)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready ({created} new articles)."))
        self.stdout.write("Demo logins (development only) at /admin/:")
        for username, _first, _last, groups, password in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {password:<18} {', '.join(groups)}")

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        today = timezone.localdate()
        for username, first, last, groups, password in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@vetted.example",
                    "is_staff": True,
                },
            )
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(*Group.objects.filter(name__in=groups))
            if username in PROFILES:
                ReviewerProfile.objects.get_or_create(
                    user=user,
                    defaults={
                        **PROFILES[username],
                        "credentials_verified_on": today - datetime.timedelta(days=90),
                        "credentials_expire_on": today + datetime.timedelta(days=700),
                    },
                )
            if username in WRITER_PROFILES:
                WriterProfile.objects.get_or_create(user=user, defaults=WRITER_PROFILES[username])
            users[username] = User.objects.get(pk=user.pk)  # fresh permission cache
        return users

    def _library(self) -> None:
        for data in REFERENCES:
            Reference.objects.get_or_create(key=data["key"], defaults=data)
        for data in TOPICS:
            Topic.objects.get_or_create(slug=data["slug"], defaults=data)

    def _site_pages(self) -> None:
        # The site pages come with the database (migrations 0012, 0015); a test database
        # emptied between tests gets them back here.
        for key, (title, body) in transparency.PAGES.items():
            if not SitePage.objects.filter(key=key).exists():
                SitePage(key=key, title=title, body=body).save()

    def _articles(self, users: dict) -> int:
        created = 0
        for data in ARTICLES:
            if Article.objects.filter(slug=data["slug"]).exists():
                continue
            article = Article.objects.create(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                body=self._with_figures(data["body"], users["writer"]),
                professional_body=data.get("professional_body", ""),
                group_references=data.get("group_references", False),
                topic=Topic.objects.get(slug=data["topic"]),
                subject_name=data.get("subject_name", ""),
                subject_type=data.get("subject_type", ""),
            )
            article.authors.add(users["writer"])
            if data.get("sections"):
                services.article_sections_set(
                    article=article,
                    user=users["writer"],
                    sections=[
                        SectionText(
                            kind=s["kind"],
                            heading=s.get("heading", ""),
                            audience=s["audience"],
                            body=s["body"],
                        )
                        for s in data["sections"]
                    ],
                )
            self._advance(article, data["state"], users)
            created += 1
        return created

    @staticmethod
    def _with_figures(body: str, writer) -> str:
        """Each `FIGURE:<name>` line becomes a library image, inserted as writers do."""
        for name, figure in FIGURES.items():
            marker = f"FIGURE:{name}"
            if marker not in body:
                continue
            text = {k: figure[k] for k in ("alt_text", "caption", "credit", "licence")}
            upload = ContentFile(figure["draw"](), name=figure["name"])
            image = image_services.image_upload(file=upload, user=writer, **text)
            body = body.replace(marker, f"![{figure['alt_text']}](image:{image.pk})")
        return body

    @staticmethod
    def _signature(user) -> reauth.Reauthentication:
        """Demo approvals are signed like any other, with the demo password."""
        password = next(p for name, *_rest, p in DEMO_USERS if name == user.get_username())
        return reauth.reauthenticate(user=user, password=password)

    def _advance(self, article: Article, state: str, users: dict) -> None:
        """Walk the article through the real workflow so its audit trail is genuine."""
        if state == "draft":
            return
        services.article_submit(article=article, user=users["writer"])
        if state == "submitted":
            return
        services.review_start(article=article, user=users["reviewer"])
        if state == "in_review":
            return
        services.review_approve(
            article=article,
            user=users["reviewer"],
            comment="Claims checked against sources.",
            checklist=dict.fromkeys(services.REVIEW_CHECKLIST, True),
            signature=self._signature(users["reviewer"]),
        )
