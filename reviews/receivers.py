"""What reviews does when another app announces something (connected in ReviewsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from references.models import ReferenceEvent
from references.signals import source_status_changed
from reviews import services


@receiver(source_status_changed, dispatch_uid="reviews_source_status_changed")
def source_status_changed_received(sender: Any, *, event: ReferenceEvent, **kwargs: Any) -> None:
    services.source_standing_changed(event=event)
