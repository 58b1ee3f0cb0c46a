"""Messages from the contact form: stored for editors, and emailed to VETTED_CONTACT_EMAIL
when one is configured. The email is a task queued once the message is committed, so a
slow mail server never holds up the reader's request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from articles.models import ContactMessage


def receive(cleaned: dict[str, Any]) -> ContactMessage:
    with transaction.atomic():
        message = ContactMessage.objects.create(
            name=cleaned["name"],
            email=cleaned["email"],
            kind=cleaned["kind"],
            message=cleaned["message"],
            article_url=cleaned.get("article_url") or "",
        )
        if settings.VETTED_CONTACT_EMAIL:

            def enqueue_email() -> None:
                email_contact_message.enqueue(message_id=message.pk)

            transaction.on_commit(enqueue_email, robust=True)
    return message


@task()
def email_contact_message(*, message_id: int) -> int:
    message = ContactMessage.objects.get(pk=message_id)
    admin_url = reverse("admin:articles_contactmessage_change", args=[message.pk])
    body = "\n".join(
        [
            f"From: {message.name} <{message.email}>",
            f"About: {message.get_kind_display()}",
            *([f"Article: {message.article_url}"] if message.article_url else []),
            "",
            message.message,
            "",
            f"Mark it handled: {settings.SITE_URL}{admin_url}",
        ]
    )
    email = EmailMessage(
        subject=f"[{settings.SITE_NAME}] Contact form: {message.get_kind_display()}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.VETTED_CONTACT_EMAIL],
        # Replying answers the reader; the address was validated by the form.
        reply_to=[message.email],
    )
    return email.send(fail_silently=False)
