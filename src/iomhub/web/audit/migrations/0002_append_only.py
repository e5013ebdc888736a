"""The database itself refuses to change or delete audit rows (see ``audit.triggers``)."""

from typing import Any

from django.db import migrations

from iomhub.web.audit import triggers


def forwards(apps: Any, schema_editor: Any) -> None:
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
