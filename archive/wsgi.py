"""WSGI entry point (gunicorn archive.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")


def freeze_loaded_objects():
    """Load the URLconf (and with it every view), then move every object alive to the
    garbage collector's permanent generation.

    They live as long as the process, yet each full collection walked them all: at a
    million articles one came every nine person pages and took 40 of a page's 110 ms
    (5 ms frozen).
    """
    get_resolver().url_patterns  # noqa: B018  imported on first use otherwise
    gc.freeze()


application = get_wsgi_application()
freeze_loaded_objects()
