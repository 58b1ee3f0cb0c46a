"""Edits made outside the review workflow that change what live pages show.

Editors change these in the admin (plain model saves), so their effect on stored
pages and caches hangs off the model signals; what each change affects is decided
in articles.stored_pages.
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from articles import stored_pages
from articles.models import LivePageDependency, SitePage, Topic
from people.models import ReviewerProfile, WriterProfile
from references.models import Reference, ReferenceEvent


@receiver(post_save, sender=ReviewerProfile, dispatch_uid="live_pages_reviewer")
def reviewer_profile_saved(sender: Any, instance: ReviewerProfile, created: bool, **kwargs) -> None:
    # Names, credentials and specialties appear in bylines, history and JSON-LD.
    stored_pages.mark_stale(LivePageDependency.Kind.REVIEWER, [instance.pk])


@receiver(post_save, sender=WriterProfile, dispatch_uid="live_pages_writer")
def writer_profile_saved(sender: Any, instance: WriterProfile, created: bool, **kwargs) -> None:
    # Names, credentials and disclosures appear in bylines, disclosures and JSON-LD; a
    # profile made public (or hidden) changes whether the byline may name them at all.
    if created:
        # A new profile names a writer on pages that so far credited the editorial team.
        stored_pages.writer_named(instance)
    else:
        stored_pages.mark_stale(LivePageDependency.Kind.WRITER, [instance.pk])


@receiver(post_save, sender=Topic, dispatch_uid="live_pages_topic")
def topic_saved(sender: Any, instance: Topic, created: bool, **kwargs) -> None:
    stored_pages.mark_stale(LivePageDependency.Kind.TOPIC, [instance.pk])


@receiver(post_save, sender=SitePage, dispatch_uid="live_pages_site_page")
def site_page_saved(sender: Any, instance: SitePage, created: bool, **kwargs) -> None:
    stored_pages.site_page_changed(instance.key)


@receiver(pre_save, sender=Reference, dispatch_uid="live_pages_source_before")
def remember_retraction(sender: Any, instance: Reference, **kwargs) -> None:
    before = Reference.objects.filter(pk=instance.pk).values_list("retracted", flat=True).first()
    instance._retracted_before = before


@receiver(post_save, sender=Reference, dispatch_uid="live_pages_source")
def reference_saved(sender: Any, instance: Reference, created: bool, **kwargs) -> None:
    # Live pages print the source as it was approved, except its retraction.
    if not created and getattr(instance, "_retracted_before", None) != instance.retracted:
        stored_pages.mark_stale(LivePageDependency.Kind.SOURCE, [instance.pk])


@receiver(setting_changed, dispatch_uid="live_pages_site_identity")
def site_identity_changed(sender: Any, setting: str, **kwargs) -> None:
    # Stored pages print the site's name and address (tests change them at run time).
    if setting in ("SITE_NAME", "SITE_URL", "VETTED_PUBLISHER_NAME", "STATIC_URL", "STORAGES"):
        stored_pages.sources_digest.cache_clear()


@receiver(post_save, sender=ReferenceEvent, dispatch_uid="live_pages_source_event")
def source_event_recorded(sender: Any, instance: ReferenceEvent, created: bool, **kwargs) -> None:
    # A correction changes no column of the source, but pages citing it say that their
    # board is re-reviewing them (articles.selectors.source_notice). A retraction's mark
    # is a change of the source itself (reference_saved above).
    if created and instance.kind == ReferenceEvent.Kind.CORRECTION:
        stored_pages.mark_stale(LivePageDependency.Kind.SOURCE, [instance.reference_id])
