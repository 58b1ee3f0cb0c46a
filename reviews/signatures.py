"""Approvals as electronic signatures (21 CFR Part 11 style).

The signer re-authenticates when approving (accounts.reauth); review_approve then
calls `sign`, which records their printed name and credentials as they stand, the
time, what the signature means, and the content hash of the revision they approved.
`problems` is what verify_audit_log asks of every signature later.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from accounts import reauth
from articles.models import Article, ArticleRevision
from reviews import policy
from reviews.models import ApprovalSignature, ReviewDecision
from reviews.people import display_name
from reviews.workflow import Status

FINAL_MEANING = "Approved for publication"


def content_digest(
    *,
    title: str,
    summary: str,
    body: str,
    professional_body: str,
    sources: list[dict],
    images: list[dict] | None = None,
    public_notes: dict[str, str] | None = None,
    sections: list[dict] | None = None,
    group_references: bool = False,
) -> str:
    """The content hash of a version: its text, its sources as printed and the images it
    shows (their files and words), what else readers are told of it (its subject, a
    correction note), its evidence sections (kind, heading, audience, text) and how its
    references are listed. Without any of those extras the hash is what it always was, so
    signatures made before they existed still verify."""
    digest = hashlib.sha256()
    for part in (title, summary, body, professional_body):
        digest.update((part or "").encode() + b"\x00")
    digest.update(json.dumps(sources, sort_keys=True, default=str).encode())
    if images:
        digest.update(b"\x00images" + json.dumps(images, sort_keys=True).encode())
    notes = {k: v for k, v in (public_notes or {}).items() if v}
    if notes:
        digest.update(b"\x00notes" + json.dumps(notes, sort_keys=True).encode())
    if sections:
        digest.update(b"\x00sections" + json.dumps(sections, sort_keys=True).encode())
    if group_references:
        digest.update(b"\x00grouped")
    return digest.hexdigest()


def public_notes(version: Any) -> dict[str, str]:
    """What a version tells readers besides its text: an article or a revision."""
    return {
        "subject_name": version.subject_name,
        "subject_type": version.subject_type,
        "correction_note": version.correction_note if version.is_correction else "",
    }


def revision_content_hash(revision: ArticleRevision) -> str:
    """Recompute a stored revision's content hash from what it holds now."""
    sources = list(revision.reference_links.order_by("position").values_list("snapshot", flat=True))
    images = list(revision.image_links.order_by("position").values_list("snapshot", flat=True))
    return content_digest(
        title=revision.title,
        summary=revision.summary,
        body=revision.body,
        professional_body=revision.professional_body,
        sources=sources,
        images=images,
        public_notes=public_notes(revision),
        sections=[section_text(s) for s in revision.sections or []],
        group_references=revision.group_references,
    )


def section_text(section: dict) -> dict:
    """What of an evidence section its writers wrote (not the HTML made from it)."""
    return {key: section.get(key, "") for key in ("kind", "heading", "audience", "body")}


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
            f"revision {revision.number}'s text or sources changed after "
            f"{signature.printed_name} signed it."
        )
    return None
