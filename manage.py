#!/usr/bin/env python
"""Django's command-line utility. Without DATABASE_URL it runs itself through the
launcher, which brings up the embedded PostgreSQL for the length of the command."""

import os
import sys


def main():
    if not os.environ.get("DATABASE_URL"):
        from archive.launcher import main as launch

        sys.exit(launch(["manage", *sys.argv[1:]]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
