"""What the reference library announces to the apps that cite its sources.

`source_status_changed` is sent when a source's standing changes: marked retracted, the
mark removed, a correction or an expression of concern recorded. Arguments: `reference`
and `event`, the ReferenceEvent on record (its kind, note, notice and actor; actor None
for the system's check). reviews receives it to flag the live articles citing the source
for re-review and to tell editors and the board (reviews.receivers).

It is sent inside the transaction that records the event, not after commit: what
follows from a retraction in the database (the articles flagged, their audit entries)
commits or rolls back with it, so a retraction is never on record with its articles
left unflagged. Receivers queue anything outside the database (email) on commit.
"""

from __future__ import annotations

from django.dispatch import Signal

source_status_changed = Signal()
