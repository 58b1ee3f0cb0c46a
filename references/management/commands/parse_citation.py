"""Parse NLM/PubMed citations from standard input, one per line, into JSON lines.

    $ printf 'Wiffen PJ, ... Cochrane Database Syst Rev. 2017 Jun 9;6(6): CD007938.\\n' \\
        | python manage.py parse_citation
    {"authors": ["Wiffen PJ", ...], "title": "...", ..., "pmcid": "PMC6452908"}

Each object has the 11 fields (authors, title, journal, year, month, volume, issue, pages, doi,
pmid, pmcid) and ``warnings``: a list of ``{"field", "code", "message"}`` naming each field the
parser is unsure of (no journal, no year, an implausible DOI, text that looks cut off); empty
when all is well. A line that is not a citation prints ``{"error": "..."}`` instead, so the
output keeps one line per input line (blank lines are skipped) and the command always exits 0.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from references.nlm import CitationParseError, parse_nlm_citation


class Command(BaseCommand):
    help = "Read one citation per line from stdin and print one JSON object per line."

    def handle(self, *args: Any, **options: Any) -> None:
        # Read sys.stdin at call time (not import time) so tests can swap it.
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                parsed = parse_nlm_citation(line)
                result: dict[str, Any] = parsed.as_json_dict()
                result["warnings"] = [warning.as_dict() for warning in parsed.warnings]
            except CitationParseError as exc:
                result = {"error": str(exc)}
            self.stdout.write(json.dumps(result, ensure_ascii=False))
