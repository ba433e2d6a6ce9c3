"""Create a curator: a staff user in the "curator" group, who can curate the archive in the
admin (/admin/) but cannot manage users or groups.

    ./run manage create_curator alice --email alice@example.org
    ARCHIVE_PASSWORD=... ./run manage create_curator alice --password-from-env ARCHIVE_PASSWORD
    ./run manage create_curator bob --read-only        # a "reader": views, changes nothing

Idempotent: running it again for an existing user makes sure the user is active staff in
the group (and updates the e-mail when given); the password changes only when one is
given through --password-from-env. The groups themselves are brought up to date first
(archive.curation.sync_roles).
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive.curation import CURATOR, READER, sync_roles


class Command(BaseCommand):
    help = "Create or update a staff user in the curator group (or the reader group)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user's login name")
        parser.add_argument("--email", default=None, help="the user's e-mail address")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="read the password from this environment variable instead of prompting",
        )
        parser.add_argument(
            "--read-only",
            action="store_true",
            help='make a read-only staff user (the "reader" group) instead of a curator',
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="never prompt; a new user then needs --password-from-env",
        )

    def handle(self, *args, username, email, password_from_env, read_only, interactive, **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        created = user is None
        if created:
            user = User(**{User.USERNAME_FIELD: username})
        if email is not None:
            user.email = email
        password = self._password(user, created, password_from_env, interactive)
        with transaction.atomic():
            groups = sync_roles()
            if password is not None:
                user.set_password(password)
            user.is_staff = True
            user.is_active = True
            user.save()
            role = READER if read_only else CURATOR
            user.groups.add(groups[role])
            user.groups.remove(groups[CURATOR if read_only else READER])
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {role} {username}."))

    def _password(self, user, created, variable, interactive):
        """The new password, or None to keep the current one."""
        if variable:
            password = os.environ.get(variable)
            if not password:
                raise CommandError(f"the environment variable {variable} is not set or empty")
        elif not created:
            return None
        elif not interactive:
            raise CommandError("a new user needs a password: use --password-from-env VAR")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords do not match")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password
