"""Load an `export_archive` file into an empty database, exactly as it was exported.

    ./run manage migrate                      # a fresh database: no demo archive
    ./run manage import_archive archive.jsonl
    gunzip -c archive.jsonl.gz | ./run manage import_archive -

Same primary keys, field values and timestamps; id sequences are moved past the imported
ids. One transaction: a malformed line (reported with its number), a truncated file or a
record the database refuses leaves the database as it was. Refused when the archive
already holds records (or, unless --without-accounts, when users exist).
"""

import contextlib
import gzip
import sys

from django.core.management.base import BaseCommand, CommandError

from archive.portability import ArchiveFileError, ArchiveNotEmpty, import_archive


class Command(BaseCommand):
    help = "Load an export_archive file (JSON Lines, .gz or - for standard input) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", metavar="FILE", help="an export_archive file (.gz: compressed), or - for stdin"
        )
        parser.add_argument(
            "--without-accounts",
            action="store_true",
            help="leave the file's user accounts and admin history out (keep this database's users)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="read and load everything, then roll back: checks a file without keeping it",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="records per INSERT (default 1000)",
        )

    def handle(self, *args, file, without_accounts=False, dry_run=False, batch_size=1000, **opts):
        try:
            with _open(file) as lines:
                counts = import_archive(
                    lines, accounts=not without_accounts, batch_size=batch_size, dry_run=dry_run
                )
        except (OSError, EOFError) as error:  # EOFError: a .gz file cut short
            raise CommandError(f"{file}: {error}. Nothing was imported.") from error
        except ArchiveFileError as error:
            raise CommandError(
                f"{file}, {str(error).rstrip('.')}. Nothing was imported."
            ) from error
        except ArchiveNotEmpty as error:
            raise CommandError(str(error)) from error
        total = sum(counts.values())
        detail = ", ".join(f"{n} {label}" for label, n in counts.items())
        verb = "Checked (dry run, nothing kept)" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} records: {detail}"))


def _open(file):
    """The file's bytes, line by line: "-" is standard input, ".gz" is decompressed."""
    if file == "-":
        return contextlib.nullcontext(sys.stdin.buffer)
    return (gzip.open if file.endswith(".gz") else open)(file, "rb")
