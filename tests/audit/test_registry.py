"""verify_audit_log walks the chains the apps registered (audit.registry), so audit knows
no app above it; a hash-chained model nobody registered stops it rather than go unchecked."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from accounts.models import AccountEvent
from audit import registry
from reviews.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_each_app_registers_its_chain_in_the_order_apps_are_installed():
    chains = registry.chains()

    assert list(chains) == ["reviews", "accounts"]
    assert chains["reviews"].model is AuditEntry and chains["reviews"].label == "audit entry"
    assert chains["reviews"].extra_check is not None  # the approval's signature
    assert chains["accounts"].model is AccountEvent


def test_a_chained_model_nobody_registered_stops_the_verification(monkeypatch):
    monkeypatch.delitem(registry._chains, "accounts")

    with pytest.raises(ImproperlyConfigured, match=r"accounts\.AccountEvent is hash-chained"):
        call_command("verify_audit_log", "--allow-missing-anchor", stdout=io.StringIO())
