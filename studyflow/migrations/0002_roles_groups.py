"""The two role groups every deployment needs: `teachers` and `students`."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

ROLE_GROUPS = ("teachers", "students")


def create_groups(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("studyflow", "0001_initial"),
    ]

    # Reversing keeps the groups: they may hold memberships made since.
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
