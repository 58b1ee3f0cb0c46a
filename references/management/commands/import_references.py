"""manage.py import_references FILE: load a BibTeX, RIS, CSL-JSON or NLM citation list."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from references.services import references_import


class Command(BaseCommand):
    help = (
        "Import references from a BibTeX (.bib), RIS (.ris) or CSL-JSON (.json) file, or a "
        "text file of NLM/PubMed-style citations, one per line. "
        "Sources already in the library (same DOI, PMID or PMCID) are reused, not duplicated. "
        "All or nothing: if the database refuses an entry, nothing from the file is kept. "
        "Like the admin's import page, it takes at most 500 entries and 2 MB a file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Path to the .bib, .ris, .json or .txt file.")

    def handle(self, *args, **options) -> None:
        path = options["file"]
        try:
            with open(path, "rb") as handle:
                report = references_import(file=handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        except ValidationError as exc:
            raise CommandError(f"{path}: {' '.join(exc.messages)}") from exc
        for reference in report.created:
            self.stdout.write(f"  created  {reference.key}")
        for reference in report.reused:
            self.stdout.write(f"  reused   {reference.key}")
        for label, reason in report.skipped:
            self.stderr.write(f"  skipped  {label}: {reason}")
        style = self.style.SUCCESS if not report.skipped else self.style.WARNING
        self.stdout.write(style(report.summary()))
