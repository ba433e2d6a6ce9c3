"""Fill the archive with a synthetic one, for benchmarks: `generate_corpus --articles N`.

    ./run manage generate_corpus --articles 20000 --seed 1

Made-up articles (English and 10% Russian, a few hundred words each from a Zipf
vocabulary, dates over 2001-2025), named people with aliases and positions, outlets,
organizations, meetings with participants and reports, mentions, quotes and reprints,
next to the real gazetteer; see archive/synthetic/. Rows are written with COPY, a batch
of 1,000 articles per transaction; ANALYZE (and VACUUM outside a transaction) at the end.

Every synthetic article's source_path starts with "synthetic:". The command refuses an
archive holding any other article unless told --allow-real-data, and never changes or
deletes records it did not make.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from archive.synthetic.articles import BATCH_SIZE
from archive.synthetic.corpus import RealDataError, generate


class Command(BaseCommand):
    help = (
        "Generate a synthetic archive for benchmarks. By default brings the number of "
        "synthetic articles up to --articles (nothing to do when there are that many or "
        "more; running it again is harmless); with --append adds --articles more. Refuses "
        "an archive that holds real articles unless --allow-real-data is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            required=True,
            help="synthetic articles wanted in all (or, with --append, to add)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="seed of every random choice; the same seed makes the same archive (default 1)",
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="add --articles articles after the synthetic ones already there, "
            "instead of filling up to --articles",
        )
        parser.add_argument(
            "--allow-real-data",
            action="store_true",
            help="work even though the archive holds articles that are not synthetic "
            "(they are left untouched)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="say what would be written, and write nothing",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="processes writing batches in parallel, each over its own connection "
            "(default: the number of cores, at most 4)",
        )
        parser.add_argument(
            "--progress-every",
            type=float,
            default=10.0,
            metavar="SECONDS",
            help="report progress this often (default 10 seconds; 0 for never)",
        )

    def handle(
        self,
        *args,
        articles,
        seed,
        append,
        allow_real_data,
        dry_run,
        workers,
        progress_every,
        **options,
    ):
        if articles < 0 or seed < 0 or workers < 1:
            raise CommandError("--articles and --seed cannot be negative, --workers below 1.")
        reported = [0.0]

        def progress(state):
            if progress_every and (
                state.elapsed - reported[0] >= progress_every or state.written == state.total
            ):
                reported[0] = state.elapsed
                rate = state.written / state.elapsed if state.elapsed else 0.0
                left = (state.total - state.written) / rate if rate else 0.0
                t = state.timings
                self.stdout.write(
                    f"{state.written:>10,} / {state.total:,} articles  {rate:,.0f}/s  "
                    f"left {left / 60:.1f} min  (summed over workers: planning {t.plan:.0f} s, "
                    f"articles COPY {t.articles:.0f} s, the rest {t.related:.0f} s; processor: "
                    f"writers {t.client_cpu:.0f} s, database {t.server_cpu:.0f} s)"
                )
                self.stdout.flush()

        try:
            summary = generate(
                articles, seed, append, allow_real_data, workers, progress, dry_run=dry_run
            )
        except RealDataError as error:
            raise CommandError(str(error)) from error
        if dry_run:
            self.stdout.write(
                f"Would write {summary.planned:,} synthetic articles in "
                f"{len(summary.batches):,} batches of up to {BATCH_SIZE:,}."
            )
            return
        if not summary.written:
            self.stdout.write(
                self.style.SUCCESS("Nothing to do: the synthetic archive is that big.")
            )
            return
        t = summary.timings
        rate = summary.written / summary.elapsed if summary.elapsed else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {summary.written:,} synthetic articles ({len(summary.batches):,} "
                f"batches) in {summary.elapsed:.1f} s, {rate:,.0f} articles/s. Summed over "
                f"workers: planning {t.plan:.1f} s, articles COPY (search vector included) "
                f"{t.articles:.1f} s, meetings, mentions, quotes and reprints "
                f"{t.related:.1f} s; processor time: writers {t.client_cpu:.1f} s, database "
                f"{t.server_cpu:.1f} s ({1000 * (t.client_cpu + t.server_cpu) / summary.written:.2f} "
                f"ms an article). Search indexes built in {summary.index_seconds:.1f} s, "
                f"suspected duplicates flagged in {summary.duplicates_seconds:.1f} s, "
                f"statistics in {summary.statistics_seconds:.1f} s."
            )
        )
