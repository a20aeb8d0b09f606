"""Indexes that no query uses, dropped: each cost every import of a million companies time.

* The product table's index on ``enterprise_id``: the unique (enterprise, name) index starts with the
  same column and serves every lookup by company.
* On PostgreSQL, the ``varchar_pattern_ops`` copies Django adds beside the indexes of the registry's
  text columns (company name, USCC, stock code, product name) for ``LIKE 'abc%'`` queries: lianzhao
  asks none — search goes through the full-text index, lookups are by equality.
  (1,000,000 companies on PostgreSQL: their insert 54 → 48 s, their 2.5 million products 18 → 12 s.)

Going back leaves the pattern indexes out (queries are the same without them).
"""

from django.db import migrations, models

TABLES = ("enterprises_enterprise", "enterprises_enterpriseproduct")


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                       "AND tablename = ANY(%s) AND indexdef LIKE %s", [list(TABLES), "%varchar_pattern_ops%"])
        names = [name for (name,) in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [("enterprises", "0003_search_index")]

    operations = [
        migrations.AlterField(
            model_name="enterpriseproduct",
            name="enterprise",
            field=models.ForeignKey(db_index=False, on_delete=models.deletion.CASCADE, related_name="products",
                                    to="enterprises.enterprise", verbose_name="企业"),
        ),
        migrations.RunPython(drop_pattern_indexes, migrations.RunPython.noop),
    ]
