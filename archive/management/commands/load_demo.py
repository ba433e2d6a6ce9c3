"""Build the demo archive: the gazetteer, then the demo corpus in fixtures/corpus/."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from archive.models import Article

DEMO_CORPUS = Path(settings.BASE_DIR) / "fixtures" / "corpus"


class Command(BaseCommand):
    help = "Load the gazetteer and import the demo corpus."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the archive has articles"
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Article.objects.exists():
            return
        call_command("load_gazetteer", stdout=self.stdout)
        call_command("import_articles", str(DEMO_CORPUS), "--no-progress", stdout=self.stdout)
