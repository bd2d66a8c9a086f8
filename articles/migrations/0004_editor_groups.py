"""The Editors and Importers groups, with the permissions each may use in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = {
    "articles": [
        "view_article",
        "add_article",
        "change_article",
        "view_source",
        "add_source",
        "change_source",
        "view_revision",
        "view_importrun",
    ],
    "taggit": ["view_tag", "add_tag", "change_tag"],
}
IMPORTERS = {
    "articles": [
        "view_article",
        "view_source",
        "add_source",
        "change_source",
        "view_revision",
        "view_importrun",
        "add_importrun",
    ],
    "taggit": ["view_tag"],
}
GROUPS = {"Editors": EDITORS, "Importers": IMPORTERS}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in perms.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_image_renditions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
