"""Import news documents: text dumps, HTML pages, JSON and JSON Lines records.

    ./run manage import_articles fixtures/corpus more.html - --report import.jsonl

Folders are read recursively; "-" reads one document from standard input. Documents are
stored in batches (--batch-size, one transaction each) and prepared (parsed, cleaned,
dated, extracted) by --workers processes, one a core by default, while this one stores; a
bad file still fails alone and never rolls back the others (archive/ingest/store.py says
how). Importing the same input twice changes nothing.

When the database fails (stopped, full disk, connection lost) the import stops with a
message saying so, not a traceback: what was being stored is rolled back whole, what was
stored before stays, and running the same command again completes the import. The same
goes for a report file that cannot be written (full disk).
"""

import contextlib
import json
import sys
from collections import Counter

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, InternalError, OperationalError
from tqdm import tqdm

from archive.ingest.prepare import cores
from archive.ingest.store import BATCH_SIZE, FAILED, STATUSES, Importer

# The server or the connection failed, not the document: Django's wrappers, and psycopg's
# own classes for statements run on the raw connection (COPY).
DATABASE_FAILURES = (
    OperationalError,
    InterfaceError,
    InternalError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg.InternalError,
)


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
        parser.add_argument(
            "--workers",
            type=int,
            default=cores(),
            help="processes preparing documents (default: one a core; 1: none besides this "
            "one); they start only for more than one batch of input",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"documents stored in one transaction (default {BATCH_SIZE})",
        )

    def handle(self, *args, paths, report=None, no_progress=False, **options):
        counts = Counter()
        failures = []
        try:
            report_file = open(report, "w", encoding="utf-8") if report else None  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"cannot write the report {report}: {error.strerror}") from None
        try:
            importer = Importer(batch_size=options["batch_size"], workers=options["workers"])
            stdin = sys.stdin.buffer if "-" in paths else None
            results = importer.import_paths(paths, stdin=stdin)
            bar = tqdm(results, unit=" docs", disable=no_progress or None, file=self.stderr)
            for result in bar:
                counts[result.status] += 1
                if result.status == FAILED:
                    failures.append(result)
                if report_file:
                    self._report(report_file, result)
        except DATABASE_FAILURES as error:
            raise CommandError(
                f"import stopped: the database failed: {str(error).strip()}\n"
                "What was stored before is whole; what was being stored was rolled back. "
                "Run the same command again when the database is back (or has free space "
                "again): what is already stored is skipped."
            ) from None
        finally:
            if report_file:
                with contextlib.suppress(OSError):  # every line was flushed, or that failed
                    report_file.close()
        summary = ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in STATUSES)
        self.stdout.write(self.style.SUCCESS(f"{sum(counts.values())} documents: {summary}"))
        for result in failures:
            self.stdout.write(self.style.ERROR(f"failed: {result.source}: {result.message}"))
        if failures and len(failures) == sum(counts.values()):
            raise SystemExit(1)

    def _report(self, report_file, result):
        try:
            report_file.write(json.dumps(result.report(), ensure_ascii=False) + "\n")
            report_file.flush()
        except OSError as error:
            raise CommandError(
                f"import stopped: cannot write the report {report_file.name}: {error.strerror}\n"
                "What was stored is whole, but the report lacks some of it. Run the same "
                "command again with room for the report: what is already stored is skipped "
                "(reported as a duplicate)."
            ) from None
