"""The registry's full-text index (lianzhao.enterprises.search): an FTS5 table kept by triggers on
SQLite, a GIN index over to_tsvector('simple', search_text) on PostgreSQL. Existing companies get
their search text first."""

from django.db import migrations

from lianzhao.enterprises import search

SQLITE_UP = [
    f"CREATE VIRTUAL TABLE {search.FTS_TABLE} USING fts5(search_text, content='enterprises_enterprise', "
    "content_rowid='id', tokenize='unicode61')",
    f"""CREATE TRIGGER enterprises_enterprise_fts_ai AFTER INSERT ON enterprises_enterprise BEGIN
        INSERT INTO {search.FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END""",
    f"""CREATE TRIGGER enterprises_enterprise_fts_ad AFTER DELETE ON enterprises_enterprise BEGIN
        INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text); END""",
    f"""CREATE TRIGGER enterprises_enterprise_fts_au AFTER UPDATE OF search_text ON enterprises_enterprise BEGIN
        INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO {search.FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END""",
    f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_au",
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_ad",
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_ai",
    f"DROP TABLE IF EXISTS {search.FTS_TABLE}",
]
PG_UP = [f"CREATE INDEX enterprise_search_gin ON enterprises_enterprise USING gin (({search.PG_VECTOR}))"]
PG_DOWN = ["DROP INDEX IF EXISTS enterprise_search_gin"]


def fill_search_text(apps, schema_editor):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    for e in Enterprise.objects.all():
        e.search_text = search.search_tokens(e.name, e.uscc or "", e.gbt_code)
        e.save(update_fields=["search_text"])


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_registry")]

    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(_run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
                             _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})),
    ]
