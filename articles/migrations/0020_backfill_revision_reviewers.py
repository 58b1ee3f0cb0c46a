"""Credit the reviewers of every revision reviewed so far on the revision itself, by the
rule reviews.services applies from now on at each completed review: the sign-offs of the
round that set the revision's "Last reviewed" date, in the order they were given, as
printed on their signatures (or their profile, for sign-offs made before signatures)."""

from django.db import migrations
from django.db.models import Max


def credit_reviewers(apps, schema_editor):
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    RevisionReviewer = apps.get_model("articles", "RevisionReviewer")
    ReviewDecision = apps.get_model("reviews", "ReviewDecision")
    ReviewerProfile = apps.get_model("people", "ReviewerProfile")
    ApprovalSignature = apps.get_model("reviews", "ApprovalSignature")
    reviewed = ArticleRevision.objects.filter(last_reviewed_at__isnull=False).order_by("pk")
    for revision in reviewed.iterator():
        approvals = ReviewDecision.objects.filter(
            revision=revision, kind="approve", created_at__lte=revision.last_reviewed_at
        )
        last_round = approvals.aggregate(r=Max("review_round"))["r"]
        if last_round is None:
            continue
        credits = []
        for decision in approvals.filter(review_round=last_round).order_by("created_at", "pk"):
            profile = ReviewerProfile.objects.filter(user_id=decision.reviewer_id).first()
            if profile is None:
                continue
            signature = ApprovalSignature.objects.filter(decision=decision).first()
            credits.append(
                RevisionReviewer(
                    revision=revision,
                    reviewer=profile,
                    position=len(credits) + 1,
                    printed_name=signature.printed_name if signature else profile.display_name,
                    credentials=signature.credentials if signature else profile.credentials,
                    specialty=profile.specialty,
                    signed_at=signature.signed_at if signature else decision.created_at,
                )
            )
        RevisionReviewer.objects.bulk_create(credits)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_revision_reviewers"),
        ("reviews", "0013_reviewerprofile_moves_to_people"),
    ]

    operations = [migrations.RunPython(credit_reviewers, migrations.RunPython.noop)]
