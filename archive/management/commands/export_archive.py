"""Write the whole archive as JSON Lines, to standard output or a file.

    ./run manage export_archive --output archive.jsonl
    ./run manage export_archive --output archive.jsonl.gz      # gzip-compressed
    ./run manage export_archive --without-accounts > public.jsonl

Articles with their raw text and original bytes, outlets, organizations, people with their
aliases and positions, meetings, reports, mentions and quotes, with review states and the
curators' corrections; and, unless --without-accounts, the user accounts (password hashes
included: keep the file as safe as a database backup) and the admin history. The format is
described in archive/portability.py; `import_archive` loads it into an empty database.
"""

import gzip
import os
from pathlib import Path

from django.core.management.base import BaseCommand

from archive.portability import export_archive


class Command(BaseCommand):
    help = "Write the whole archive as JSON Lines (see archive/portability.py for the format)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="write to FILE instead of standard output; gzip-compressed if it ends in "
            ".gz; written as FILE.partial and renamed once complete",
        )
        parser.add_argument(
            "--without-accounts",
            action="store_true",
            help="leave out user accounts and the admin history (for sharing the archive)",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=500,
            help="rows fetched from the database at a time (default 500)",
        )

    def handle(self, *args, output=None, without_accounts=False, chunk_size=500, **options):
        accounts = not without_accounts
        if output in (None, "-"):
            counts = export_archive(self.stdout, accounts=accounts, chunk_size=chunk_size)
            report = self.stderr  # standard output carries the export itself
        else:
            path = Path(output)
            partial = path.with_name(f"{path.name}.partial")
            opener = gzip.open if path.suffix == ".gz" else open
            try:
                with opener(partial, "wt", encoding="utf-8") as stream:
                    counts = export_archive(stream, accounts=accounts, chunk_size=chunk_size)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            os.replace(partial, path)
            report = self.stdout
        total = sum(counts.values())
        detail = ", ".join(f"{n} {label}" for label, n in counts.items())
        report.write(f"Exported {total} records: {detail}", style_func=self.style.SUCCESS)
