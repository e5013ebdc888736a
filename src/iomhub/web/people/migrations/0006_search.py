"""Finding people (``people.search``): other names, and on PostgreSQL the search text function
(``unaccent``) with a trigram index over it (``pg_trgm``). On SQLite the function is registered on
each connection (``people.apps``) and no index is made."""

from typing import Any

from django.db import migrations, models

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # IMMUTABLE (unaccent with its dictionary named) so that it can be indexed
    """CREATE OR REPLACE FUNCTION iomhub_search_text(given text, family text, aliases text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
       SELECT btrim(regexp_replace(regexp_replace(
                lower(public.unaccent('public.unaccent'::regdictionary, concat_ws(' ', given, family, aliases))),
                '[''’`]', '', 'g'), '[^a-z0-9]+', ' ', 'g'))
       $$""",
    """CREATE INDEX IF NOT EXISTS nominals_search_text ON nominals
       USING gin (iomhub_search_text(given_names, family_name, aliases) gin_trgm_ops)""",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS nominals_search_text",
    "DROP FUNCTION IF EXISTS iomhub_search_text(text, text, text)",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0005_corrections_and_restriction"),
    ]

    operations = [
        migrations.AddField(
            model_name="nominal",
            name="aliases",
            field=models.CharField(blank=True, max_length=200, verbose_name="Other names"),
        ),
        migrations.RunPython(_run(FORWARDS), _run(BACKWARDS)),
    ]
