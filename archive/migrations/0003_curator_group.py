"""The admin's roles: "curator" (add, change, delete, view archive content) and "reader"
(view only). Neither has any permission on users or groups.

Permissions are normally created after migrations (post_migrate); on a fresh database they
do not exist yet here, so they are created first. The model list is frozen as of this
migration; `manage create_curator` brings the groups up to date with later models
(archive.curation.sync_roles).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = (
    "article",
    "articlesource",
    "meeting",
    "meetingreport",
    "mention",
    "organization",
    "organizationalias",
    "outlet",
    "participation",
    "person",
    "personalias",
    "position",
    "quote",
)
ROLES = {"curator": ("add", "change", "delete", "view"), "reader": ("view",)}


def create_roles(apps, schema_editor):
    app_config = apps.get_app_config("archive")
    app_config.models_module = True  # create_permissions skips apps without models
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for action in actions for model in MODELS]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="archive", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
