"""Approvals as electronic signatures (21 CFR Part 11 style).

The signer re-authenticates when approving (accounts.reauth); review_approve then
calls `sign`, which records their printed name and credentials as they stand, the
time, what the signature means, and the content hash of the revision they approved.
`entry_problem` is what verify_audit_log asks of every signed audit entry later
(registered with audit.registry in ReviewsConfig.ready).
"""

from __future__ import annotations

import datetime
from typing import Any

from accounts import reauth
from articles.models import Article
from articles.revisions import revision_content_hash
from articles.states import Status
from people.names import display_name
from reviews import policy
from reviews.models import ApprovalSignature, AuditEntry, ReviewDecision

FINAL_MEANING = "Approved for publication"


def meaning(article: Article) -> str:
    """What this sign-off means, once the transition has decided whether it was the last."""
    if article.status == Status.APPROVED:
        return FINAL_MEANING
    count = policy.approvals_this_round(article).count()
    required = article.topic.required_approvals
    if count < required:
        return f"Approved (sign-off {count} of {required})"
    specialty = article.topic.required_specialty or "specialist"
    return f"Approved (sign-off {count}; publication awaits a {specialty} sign-off)"


def sign(
    *,
    decision: ReviewDecision,
    article: Article,
    proof: reauth.Reauthentication,
    signed_at: datetime.datetime,
) -> ApprovalSignature:
    signer = decision.reviewer
    profile = getattr(signer, "reviewer_profile", None)
    return ApprovalSignature.objects.create(
        decision=decision,
        signer=signer,
        printed_name=display_name(signer),
        credentials=profile.credentials if profile else "",
        meaning=meaning(article),
        signed_at=signed_at,
        content_hash=decision.revision.content_hash,
        method=proof.method,
        reauth_nonce=proof.nonce,
    )


def problems(signature: ApprovalSignature, entry: Any) -> str | None:
    """Why a signature no longer vouches for its approval, or None if it does."""
    decision = signature.decision
    if signature.compute_manifest_hash() != signature.manifest_hash:
        return "the electronic signature it carries was altered after signing."
    if (
        decision.kind != ReviewDecision.Kind.APPROVE
        or decision.reviewer_id != signature.signer_id
        or decision.revision_id != entry.revision_id
        or decision.article_id != entry.article_id
        or entry.actor_id != signature.signer_id
    ):
        return "the approval its signature belongs to was altered (who, what or which revision)."
    revision = decision.revision
    if revision.content_hash != signature.content_hash:
        return f"revision {revision.number} no longer carries the content hash that was signed."
    if revision_content_hash(revision) != signature.content_hash:
        return (
            f"revision {revision.number}'s text, stored HTML or sources changed after "
            f"{signature.printed_name} signed it."
        )
    return None


def entry_problem(entry: AuditEntry) -> str | None:
    """What verify_audit_log checks of an audit entry beyond its hash: the signature it
    carries, if any, still vouches for its approval."""
    if entry.signature_id is None:
        return None
    return problems(entry.signature, entry)
