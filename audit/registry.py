"""The hash chains `verify_audit_log` walks, and what more each app checks of its entries.

audit knows no app above it: each app with a hash-chained model registers it from its
AppConfig.ready, with the rows to walk (e.g. selecting what its extra check reads) and an
optional extra check of each entry, for content the hash alone cannot vouch for (reviews:
an approval's electronic signature). A hash-chained model nobody registered is an error,
not a chain left unverified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from audit.chain import HashChained

# Why an entry no longer holds beyond its hash, or None when it does.
ExtraCheck = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Chain:
    model: type[HashChained]
    rows: Callable[[], QuerySet]
    extra_check: ExtraCheck | None = None

    @property
    def name(self) -> str:
        """As the anchor log and the command's output name it (the app's label)."""
        return self.model.chain_name()

    @property
    def label(self) -> str:
        """How a report names one entry: "audit entry #3"."""
        return str(self.model._meta.verbose_name)


_chains: dict[str, Chain] = {}


def register(
    model: type[HashChained],
    *,
    rows: Callable[[], QuerySet] | None = None,
    extra_check: ExtraCheck | None = None,
) -> None:
    """Have `verify_audit_log` walk this model's chain (`rows()`, all of them by default)."""
    chain = Chain(model=model, rows=rows or model.objects.all, extra_check=extra_check)
    _chains[chain.name] = chain


def chains() -> dict[str, Chain]:
    """Every registered chain by name, in the order the apps are installed."""
    unregistered = [
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, HashChained) and model.chain_name() not in _chains
    ]
    if unregistered:
        raise ImproperlyConfigured(
            f"{', '.join(unregistered)} is hash-chained but not registered for verification "
            "(audit.registry.register in its app's AppConfig.ready)."
        )
    order = [config.label for config in apps.get_app_configs()]
    return dict(
        sorted(_chains.items(), key=lambda item: order.index(item[1].model._meta.app_label))
    )
