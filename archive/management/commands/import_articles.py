"""Import news documents: text dumps, HTML pages, JSON and JSON Lines records.

    ./run manage import_articles fixtures/corpus more.html - --report import.jsonl

Folders are read recursively; "-" reads one document from standard input. Each document is
stored in its own transaction, so one bad file never rolls back the others. Importing the
same input twice changes nothing.
"""

import json
import sys
from collections import Counter

from django.core.management.base import BaseCommand
from tqdm import tqdm

from archive.ingest.store import FAILED, STATUSES, Importer


class Command(BaseCommand):
    help = "Import news documents (files, folders, or - for standard input) into the archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", help="files, folders (read recursively) or - for standard input"
        )
        parser.add_argument(
            "--report", metavar="FILE", help="write a JSON Lines report, one object per document"
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="do not show the progress bar"
        )

    def handle(self, *args, paths, report=None, no_progress=False, **options):
        importer = Importer()
        counts = Counter()
        failures = []
        report_file = open(report, "w", encoding="utf-8") if report else None  # noqa: SIM115
        try:
            stdin = sys.stdin.buffer if "-" in paths else None
            results = importer.import_paths(paths, stdin=stdin)
            bar = tqdm(results, unit=" docs", disable=no_progress or None, file=self.stderr)
            for result in bar:
                counts[result.status] += 1
                if result.status == FAILED:
                    failures.append(result)
                if report_file:
                    report_file.write(json.dumps(result.report(), ensure_ascii=False) + "\n")
        finally:
            if report_file:
                report_file.close()
        summary = ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in STATUSES)
        self.stdout.write(self.style.SUCCESS(f"{sum(counts.values())} documents: {summary}"))
        for result in failures:
            self.stdout.write(self.style.ERROR(f"failed: {result.source}: {result.message}"))
        if failures and len(failures) == sum(counts.values()):
            raise SystemExit(1)
