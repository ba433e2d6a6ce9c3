"""The database router installed when DATABASE_REPLICA_URLS names streaming replicas.

Writes and migrations go to the primary (`default`); reads go where archive.replicas
decides (a replica for read-only public requests, otherwise the primary). Every alias is
the same database, so objects from any of them may be related.
"""

from django.db import DEFAULT_DB_ALIAS

from archive import replicas


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replicas.read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
