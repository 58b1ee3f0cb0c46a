"""Authors as people and organisations: a repeating form field, never raw JSON.

Each row is a person (family name, given names or initials, an optional suffix) or an
organisation ("World Health Organization"). Rows are reordered and removed with buttons
(references/authors.js); the server reads them in the order posted and stores the
CSL-style list the model keeps: [{"family": "Wiffen", "given": "PJ"}, {"literal": "WHO"}].
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from references.models import MAX_AUTHORS
from references.vocabulary import NAME_PARTS

PERSON = "person"
ORGANISATION = "organisation"
# Blank rows offered under the filled ones (with scripts off, the only way to add one).
BLANK_ROWS = 2


def to_rows(value: Any) -> list[dict[str, str]]:
    """CSL names (or rows already) as rows for the widget."""
    rows = []
    for item in value or []:
        if not isinstance(item, dict):
            continue
        row = {part: str(item.get(part) or "") for part in NAME_PARTS}
        literal_only = row["literal"] and not row["family"]
        row["kind"] = item.get("kind") or (ORGANISATION if literal_only else PERSON)
        rows.append(row)
    return rows


def to_names(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows as CSL names: a person's parts, or an organisation's name as "literal"."""
    names = []
    for row in rows:
        if row.get("kind") == ORGANISATION:
            names.append({"literal": row["literal"]})
        else:
            names.append({p: row[p] for p in ("family", "given", "suffix") if row.get(p)})
    return names


class AuthorsWidget(forms.Widget):
    # An app template: the form renderer reads app templates, not the project folder.
    template_name = "references/widgets/authors.html"

    class Media:
        js = ["references/authors.js"]
        css = {"all": ["references/authors.css"]}

    def format_value(self, value: Any) -> list[dict[str, str]]:
        return to_rows(value)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        rows = context["widget"]["value"] or []
        blank = {part: "" for part in NAME_PARTS} | {"kind": PERSON}
        context["widget"]["rows"] = [*rows, *([blank] * BLANK_ROWS)]
        return context

    def value_from_datadict(self, data, files, name: str) -> list[dict[str, str]] | None:
        if f"{name}-count" not in data:
            return None
        try:
            count = min(int(data[f"{name}-count"]), MAX_AUTHORS + BLANK_ROWS + 50)
        except ValueError:
            count = 0
        indices = sorted(
            {
                int(match.group(1))
                for key in data
                if (match := re.fullmatch(rf"{re.escape(name)}-(\d{{1,4}})-kind", key))
            }
        )[: max(count, 0) or None]
        rows = []
        for index in indices:
            row = {
                part: " ".join(str(data.get(f"{name}-{index}-{part}", "")).split())
                for part in NAME_PARTS
            }
            row["kind"] = (
                ORGANISATION if data.get(f"{name}-{index}-kind") == ORGANISATION else PERSON
            )
            if any(row[part] for part in NAME_PARTS):
                rows.append(row)
        return rows

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return f"{name}-count" not in data


class AuthorsField(forms.Field):
    """The authors of a source, validated row by row; cleans to CSL names."""

    widget = AuthorsWidget
    default_error_messages = {
        "family": "Author {n}: a person needs a family name (or choose “Organisation”).",
        "literal": "Author {n}: give the organisation's name.",
        "too_many": f"At most {MAX_AUTHORS} authors; list the first ones and end with “et al.”",
    }

    def to_python(self, value: Any) -> list[dict[str, str]]:
        return to_rows(value)

    def validate(self, value: list[dict[str, str]]) -> None:
        super().validate(value)
        errors = []
        if len(value) > MAX_AUTHORS:
            errors.append(ValidationError(self.error_messages["too_many"], code="too_many"))
        for n, row in enumerate(value, start=1):
            if row["kind"] == ORGANISATION and not row["literal"]:
                errors.append(ValidationError(self.error_messages["literal"].format(n=n)))
            elif row["kind"] == PERSON and not row["family"]:
                errors.append(ValidationError(self.error_messages["family"].format(n=n)))
        if errors:
            raise ValidationError(errors)

    def clean(self, value: Any) -> list[dict[str, str]]:
        return to_names(super().clean(value))

    def has_changed(self, initial: Any, data: Any) -> bool:
        return to_names(to_rows(initial)) != to_names(to_rows(data))
