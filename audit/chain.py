"""Hash chains that make append-only records tamper-evident.

Each row of a chained table stores its position (`seq`), the hash of the row before
it (`prev_hash`) and a keyed hash (HMAC-SHA256) over its own content and that previous
hash (`entry_hash`). Editing, deleting or reordering a row behind the ORM's back breaks
the chain at that row, and `manage.py verify_audit_log` names it. The key
(settings.VETTED_AUDIT_KEY, else one derived from SECRET_KEY) never enters the
database, so someone who can write to the database but not read the app's settings
cannot edit a row and recompute the hashes after it. After each commit that appends,
the new head is written to the anchor log outside the database (audit.anchors), which
catches what a key cannot: entries deleted from the end. docs/audit-log.md has the
whole design.

Writers serialise on the chain head: on PostgreSQL with a transaction-scoped advisory
lock (one per table), taken before the head is read and held until commit; SQLite
lets one writer at a time hold its write lock anyway. Unique `seq` and `prev_hash`
are the backstop on every database: a chain can never fork.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils.crypto import salted_hmac

from audit import anchors

# The predecessor of the first entry.
GENESIS = "0" * 64
# Separates the chain's key from every other use of the same secret (Django's signing,
# sessions): a key derived from SECRET_KEY is never SECRET_KEY itself.
KEY_SALT = "vetted.audit.chain"


class ChainedQuerySet(models.QuerySet):
    """Bulk writes would skip the chain (or rewrite it): refused."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list:
        raise TypeError(f"Add {self.model._meta.verbose_name_plural} one at a time (hash chain).")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only.")


class HashChained(models.Model):
    """Abstract: an append-only row linked into its table's hash chain."""

    seq = models.PositiveBigIntegerField(
        "position", unique=True, editable=False, help_text="Position in the hash chain."
    )
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    objects = ChainedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"{self._meta.verbose_name_plural} are append-only.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            lock_chain(type(self), using=using)
            head = (
                type(self)
                ._base_manager.using(using)
                .order_by("-seq")
                .values_list("seq", "entry_hash")
                .first()
            )
            self.seq, self.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
            self.entry_hash = self.compute_hash()
            super().save(*args, **kwargs)
            anchor = anchors.Anchor(
                chain=self.chain_name(),
                seq=self.seq,
                entry_hash=self.entry_hash,
                root=self.entry_hash if self.seq == 1 else chain_root(type(self), using=using),
            )
            # Only once committed: a rolled-back entry must never be anchored.
            transaction.on_commit(partial(anchors.append_after_commit, anchor), using=using)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{self._meta.verbose_name_plural} are append-only.")

    @classmethod
    def chain_name(cls) -> str:
        """The chain's name in the anchor log and in verify_audit_log: one chain per app."""
        return cls._meta.app_label

    def chain_content(self) -> dict[str, Any]:
        """The fields the hash covers, as JSON-ready values (subclasses list theirs)."""
        raise NotImplementedError

    def compute_hash(self) -> str:
        return digest(seq=self.seq, prev_hash=self.prev_hash, content=self.chain_content())


def digest(*, seq: int, prev_hash: str, content: dict[str, Any]) -> str:
    """HMAC-SHA256, under the chain's key, of a canonical JSON of position, predecessor
    and content."""
    canonical = json.dumps(
        {"seq": seq, "prev": prev_hash, "content": content},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return salted_hmac(KEY_SALT, canonical, secret=chain_key(), algorithm="sha256").hexdigest()


def chain_key() -> str:
    """The secret the chain is keyed with: VETTED_AUDIT_KEY, else SECRET_KEY (salted)."""
    return settings.VETTED_AUDIT_KEY or settings.SECRET_KEY


def chain_root(model: type[models.Model], *, using: str | None = None) -> str | None:
    """The hash of a chain's first entry: what names the chain in the anchor log."""
    manager = model._base_manager.using(using) if using else model._base_manager
    return manager.filter(seq=1).values_list("entry_hash", flat=True).first()


def timestamp(value: datetime.datetime | None) -> str | None:
    """One spelling of an instant whatever the database returns it as (UTC, microseconds)."""
    if value is None:
        return None
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def lock_chain(model: type[models.Model], *, using: str) -> None:
    """Serialise writers of `model`'s chain until the surrounding transaction ends."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time already; the unique columns are the backstop
    key = int.from_bytes(
        hashlib.sha256(f"vetted.chain.{model._meta.db_table}".encode()).digest()[:8],
        "big",
        signed=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@dataclass(frozen=True)
class Break:
    """The first place a chain no longer holds."""

    seq: int
    pk: Any
    reason: str
    entry: Any = None

    def describe(self, label: str) -> str:
        where = f"{label} #{self.seq}" + (f" (id {self.pk})" if self.pk is not None else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_seq: int
    head_hash: str
    broken: Break | None


def verify(
    queryset: models.QuerySet, *, extra_check: Any = None, chunk_size: int = 2000
) -> ChainReport:
    """Walk a chained table in order and report the first broken link, if any.

    `extra_check(entry)` may return a reason string for content the hash alone cannot
    vouch for (e.g. a signature row the entry points to).
    """
    expected_seq, expected_prev, count = 1, GENESIS, 0
    for entry in _ordered(queryset, chunk_size):
        count += 1
        if entry.seq > expected_seq:
            missing = (
                f"entry #{expected_seq} is missing"
                if entry.seq == expected_seq + 1
                else f"entries #{expected_seq}–#{entry.seq - 1} are missing"
            )
            reason = f"{missing}: deleted from the record."
            return ChainReport(
                count, expected_seq - 1, expected_prev, Break(expected_seq, None, reason)
            )
        if entry.prev_hash != expected_prev:
            reason = (
                "it does not follow the entry before it (its link to the previous hash is "
                "broken): entries were deleted, reordered or inserted here."
            )
            return ChainReport(
                count, expected_seq - 1, expected_prev, Break(entry.seq, entry.pk, reason, entry)
            )
        if entry.compute_hash() != entry.entry_hash:
            reason = "its content no longer matches its hash: it was altered after it was written."
            if entry.seq == 1:
                reason += (
                    " (Or the chain was written with another key: if every chain breaks at "
                    "its first entry, check VETTED_AUDIT_KEY, or SECRET_KEY if that is unset.)"
                )
            return ChainReport(
                count, expected_seq - 1, expected_prev, Break(entry.seq, entry.pk, reason, entry)
            )
        if extra_check is not None and (reason := extra_check(entry)):
            return ChainReport(
                count, expected_seq - 1, expected_prev, Break(entry.seq, entry.pk, reason, entry)
            )
        expected_seq, expected_prev = entry.seq + 1, entry.entry_hash
    return ChainReport(count, expected_seq - 1, expected_prev, None)


def _ordered(queryset: models.QuerySet, chunk_size: int) -> Iterator[Any]:
    # Keyset pagination on seq: constant memory however long the log grows.
    last = 0
    while True:
        chunk = list(queryset.filter(seq__gt=last).order_by("seq")[:chunk_size])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq
