"""Re-imports update companies in place on PostgreSQL.

A re-import that changes only unindexed values (registered capital, founding date, scale …) still
sets every updated company's ``import_batch``; with an index on that column, PostgreSQL wrote a new
version of the row into every index of the table, the full-text index included (100,000 changed
companies: 11–13 s). Without it — no page looks companies up by batch — and with a tenth of each
page of the table left free (fillfactor 90, for pages written from now on), such an update stays on
its page and touches no index ("HOT" update; the same 100,000 companies: under 2 s). SQLite has
no fillfactor; dropping the index spares it the index writes.

The index is dropped by name rather than by altering the field: on SQLite, Django alters a foreign
key by copying the table, and the copy would lose the full-text index's triggers (migration 0003).
"""

from django.db import migrations, models

TABLE = "enterprises_enterprise"


def _batch_indexes(connection) -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [name for name, c in constraints.items()
            if c["index"] and c["columns"] == ["import_batch_id"] and not (c["unique"] or c["primary_key"])]


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    for name in _batch_indexes(connection):
        schema_editor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    if connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 90)")


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if not _batch_indexes(connection):
        schema_editor.execute(f"CREATE INDEX enterprises_enterprise_import_batch_id_a11696e0 ON {TABLE} (import_batch_id)")
    if connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [("enterprises", "0004_fewer_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name="enterprise",
                name="import_batch",
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=models.deletion.SET_NULL,
                                        related_name="enterprises", to="enterprises.importbatch",
                                        verbose_name="导入批次"),
            )],
            database_operations=[migrations.RunPython(drop_index, create_index)],
        ),
    ]
