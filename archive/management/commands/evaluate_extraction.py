"""Score extraction against an annotated gold file, without touching the archive's data.

    ./run manage evaluate_extraction fixtures/gold.jsonl fixtures/corpus --predictions out.jsonl

Runs the whole pipeline (clean, date, attribute, extract, link meetings across documents)
with the gazetteer file and prints precision and recall for outlets, publication dates,
people and meetings, and the count of wrong dates. See archive/ingest/evaluate.py.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from archive.ingest.evaluate import predict, read_gold, score
from archive.ingest.gazetteer import DEFAULT_GAZETTEER_PATH, Gazetteer


class Command(BaseCommand):
    help = "Print extraction precision and recall against a gold JSON Lines file."

    def add_arguments(self, parser):
        parser.add_argument("gold", help="gold JSON Lines file, one object per document")
        parser.add_argument("documents", help="folder the gold sources are relative to")
        parser.add_argument(
            "--predictions", metavar="OUT", help="write what the pipeline found, gold format"
        )
        parser.add_argument(
            "--gazetteer", default=str(DEFAULT_GAZETTEER_PATH), help="gazetteer JSON file"
        )

    def handle(self, *args, gold, documents, predictions=None, gazetteer, **options):
        try:
            rows = read_gold(gold)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        found = predict(rows, documents, Gazetteer.from_file(gazetteer))
        if predictions:
            with open(predictions, "w", encoding="utf-8") as out:
                for row in found:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.stdout.write(score(rows, found).table())
