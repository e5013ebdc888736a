"""On SQLite, an INSERT that would replace an audit row is refused too (``audit.triggers``)."""

from typing import Any

from django.db import migrations

from iomhub.web.audit import triggers


def forwards(apps: Any, schema_editor: Any) -> None:
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_data_version")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
