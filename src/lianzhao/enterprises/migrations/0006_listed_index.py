"""The stock-code index holds listed companies only.

A bureau's register is mostly unlisted companies, whose stock code is ''. With every one of them in
the index, PostgreSQL's statistics say the column has a single value, so a lookup planned for any
code — the import's matching of a row by its stock code — expected the whole register to match and
read it row by row through the primary key, for every row whose code was not there: matching the
5,486 listed companies (`lianzhao refdata load`) against a register of a million ran for hours. A
partial index (``WHERE stock_code > ''``) holds the few listed companies, is costed by them, and is
what the lookup uses — on SQLite too, which uses a partial index only for a query that repeats its
condition word for word; it also spares each import a million index entries nobody looks up.

The old index is dropped by name rather than by altering the field: on SQLite, Django alters a field
by copying the table, and the copy would lose the full-text index's triggers (migration 0003).
"""

from django.db import migrations, models

TABLE = "enterprises_enterprise"


def _plain_indexes(connection) -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [name for name, c in constraints.items()
            if c["index"] and c["columns"] == ["stock_code"] and not (c["unique"] or c["primary_key"])
            and name != "enterprise_listed"]


def drop_index(apps, schema_editor):
    for name in _plain_indexes(schema_editor.connection):
        schema_editor.execute(f"DROP INDEX {schema_editor.connection.ops.quote_name(name)}")


def create_index(apps, schema_editor):
    if not _plain_indexes(schema_editor.connection):
        schema_editor.execute(f"CREATE INDEX enterprises_enterprise_stock_code_000b71e6 ON {TABLE} (stock_code)")


class Migration(migrations.Migration):

    dependencies = [("enterprises", "0005_updates_in_place")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name="enterprise",
                name="stock_code",
                field=models.CharField(blank=True, help_text="如 300750.SZ；非上市企业留空", max_length=12,
                                       verbose_name="上市代码"),
            )],
            database_operations=[migrations.RunPython(drop_index, create_index)],
        ),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(condition=models.Q(("stock_code__gt", "")), fields=["stock_code"],
                               name="enterprise_listed"),
        ),
    ]
