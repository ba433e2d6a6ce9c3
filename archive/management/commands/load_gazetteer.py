"""Load the gazetteer of outlets, organizations and people (fixtures/gazetteer.json).

Upserts by slug; a field a curator edited keeps the curator's value.
"""

from django.core.management.base import BaseCommand

from archive.ingest.gazetteer import DEFAULT_GAZETTEER_PATH, Gazetteer
from archive.ingest.store import load_gazetteer


class Command(BaseCommand):
    help = "Load or refresh the gazetteer of outlets, organizations and people."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(DEFAULT_GAZETTEER_PATH), help="gazetteer JSON file"
        )

    def handle(self, *args, path, **options):
        counts = load_gazetteer(Gazetteer.from_file(path))
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Gazetteer loaded: {summary}"))
