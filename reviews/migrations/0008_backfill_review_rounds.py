"""Rebuild the review rounds of articles reviewed before rounds were recorded.

A round opened at each submit and at each start of a re-review (review_due → in_review),
exactly where Article.review_round was incremented; the audit log holds those steps, so
replaying it gives each round its revision, who held it and how it ended. Comments then
join the latest round of their revision.
"""

from django.db import migrations

OPEN, CHANGES, APPROVED, WITHDRAWN = "open", "changes_requested", "approved", "withdrawn"


def _rounds_from_history(entries):
    rounds = []
    for entry in entries:
        opens = entry.transition == "submit" or (
            entry.transition == "start_review" and entry.from_status == "review_due"
        )
        if opens:
            if rounds and rounds[-1]["outcome"] == OPEN:
                rounds[-1].update(outcome=WITHDRAWN, closed_at=entry.created_at)
            rounds.append(
                {
                    "revision_id": entry.revision_id,
                    "reviewer_id": entry.actor_id if entry.transition == "start_review" else None,
                    "outcome": OPEN,
                    "opened_at": entry.created_at,
                    "closed_at": None,
                }
            )
            continue
        if not rounds or rounds[-1]["outcome"] != OPEN:
            continue
        current = rounds[-1]
        if entry.transition == "start_review":
            current["reviewer_id"] = entry.actor_id
        elif entry.transition == "request_changes":
            current.update(outcome=CHANGES, closed_at=entry.created_at)
        elif entry.transition == "approve" and entry.to_status == "approved":
            current.update(outcome=APPROVED, closed_at=entry.created_at)
        elif entry.transition == "archive":
            current.update(outcome=WITHDRAWN, closed_at=entry.created_at)
    return rounds


def backfill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    AuditEntry = apps.get_model("reviews", "AuditEntry")
    ReviewRound = apps.get_model("reviews", "ReviewRound")
    ReviewComment = apps.get_model("reviews", "ReviewComment")
    for article in Article.objects.filter(review_round__gt=0).order_by("pk").iterator():
        if ReviewRound.objects.filter(article=article).exists():
            continue
        entries = AuditEntry.objects.filter(article=article).order_by("created_at", "pk")
        rounds = [r for r in _rounds_from_history(entries) if r["revision_id"]]
        # Number them so the last is the article's current round.
        first = max(article.review_round - len(rounds), 0) + 1
        for number, data in enumerate(rounds, start=first):
            if data["outcome"] == OPEN and article.assigned_reviewer_id:
                data["reviewer_id"] = article.assigned_reviewer_id
            ReviewRound.objects.create(article=article, number=number, **data)
    for comment in ReviewComment.objects.filter(round__isnull=True).iterator():
        latest = (
            ReviewRound.objects.filter(revision_id=comment.revision_id).order_by("-number").first()
        )
        if latest is not None:
            ReviewComment.objects.filter(pk=comment.pk).update(round=latest)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_live_pages"),
        ("reviews", "0007_review_rounds_and_addressed_points"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
