"""How long each kind of free text may be, and the one way a limit is held.

A limit is held three times, from one constant: by the form (the field's max_length, which
also gives the text box its `maxlength`), by the model (a validator, so `clean_fields()`,
`full_clean()` and every admin form refuse the text with the limit and its length) and by
the database (a named CHECK constraint on the length, so no other path, a service, a
command, an import or a queryset update, can store more).

Markdown fields take their limit from the renderer (articles.markdown.LIMITS.characters,
articles.evidence.SECTION_CHARACTERS), which refuses longer text with its own message; the
database holds the same number. Short CharFields keep their max_length, which PostgreSQL
holds as varchar(n).
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# An article's summary is its meta and social description, the standfirst under its
# title, its card text on lists and search results, its feed entry and its JSON-LD
# description. Two plain sentences fit in 300 characters; search engines show about 160
# of them, and a card three lines.
SUMMARY = 300
# A topic's description, printed under its name on the topics page.
TOPIC_DESCRIPTION = 500
# A writer's or a reviewer's bio, and their conflict-of-interest disclosure: a paragraph
# or two on their public profile (the disclosure also beside every article they worked on).
BIO = 2_000
DISCLOSURE = 2_000
# Internal notes: who an article is written for, why a source's standing changed, what
# an account security event was.
NOTE = 2_000
# What a person writes in the review: a comment, a reply, a note with a sign-off, the
# reason for archiving. A long review point runs to a few hundred words.
COMMENT = 5_000
# An audit entry's comment: the person's text plus the words a step adds around it (a
# re-review says why the article could not move).
AUDIT_COMMENT = COMMENT + 1_000
# A reader's message through the contact form.
CONTACT_MESSAGE = 5_000
# A cited source's title. The longest real titles run to a few hundred characters.
REFERENCE_TITLE = 1_000


def max_length_constraint(model: str, field: str, limit: int) -> models.CheckConstraint:
    """The database's copy of a field's limit: `field` holds at most `limit` characters."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"{model}_{field}_max_length",
        violation_error_message=f"“{field}” may hold at most {limit:,} characters.",
    )
