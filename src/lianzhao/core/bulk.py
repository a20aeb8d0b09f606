"""Bulk inserts whose SQL is compiled before the transaction that runs it.

``bulk_create`` prepares every value of every row in Python (conversion for the database, automatic
timestamps, placeholders) and then runs the statements; inside a transaction all of that time holds
the database's write lock — on SQLite the whole database's. :class:`PreparedInsert` splits the two:
compile now, execute later under the lock.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import AutoField, sql

#: Rows per INSERT statement on databases that take many rows per statement (PostgreSQL).
BATCH = 500


class PreparedInsert:
    """INSERT statements for ``objs`` compiled by Django now — values converted for the database,
    automatic timestamps set — and executed later by :meth:`execute`, inside the transaction: the
    write lock is held for the database's own work, not for the Python that prepares each value
    (two thirds of the time of a ``bulk_create``). The values of the ``deferred`` fields are not
    known yet (the ids of projects inserted in the same transaction): they are given to
    :meth:`execute` and put into the compiled parameters there. With ``returning``, the new ids
    are set on the objects, as ``bulk_create`` does.

    SQLite takes at most 999 parameters per statement (20 rows of a wide table), so there the rows
    go through one single-row statement with ``executemany`` — compiled once, run in C — and the new
    ids are the table's last ones (read back under the same write lock, which no one else holds).
    PostgreSQL takes ``BATCH`` rows per statement (Django sends them as one array per column,
    ``INSERT … SELECT * FROM UNNEST(…)``) and returns the ids.

    It uses Django's own insert compiler (``sql.InsertQuery``), as ``bulk_create`` does.
    """

    def __init__(self, model, objs: list, *, deferred: tuple[str, ...] = (), returning: bool = False,
                 using: str = DEFAULT_DB_ALIAS):
        self.model, self.objs, self.using, self.returning = model, objs, using, returning
        connection = connections[using]
        fields = [f for f in model._meta.concrete_fields if not f.generated and not isinstance(f, AutoField)]
        self.width = len(fields)
        self.slots = {name: fields.index(model._meta.get_field(name)) for name in deferred}
        self.fields = {name: model._meta.get_field(name) for name in deferred}
        self.one_by_one = connection.vendor == "sqlite"
        self.batches = []
        if self.one_by_one and objs:
            # One statement for one row; every row's parameters from the compiler, row after row.
            self.statement, _ = self._compile(fields, objs[:1], returning=False)
            size = max(connection.ops.bulk_batch_size(fields, objs), 1)
            self.rows = []
            for start in range(0, len(objs), size):
                _, params = self._compile(fields, objs[start:start + size], returning=False)
                self._check_flat(params, min(size, len(objs) - start))
                self.rows.extend(params[i:i + self.width] for i in range(0, len(params), self.width))
            return
        for start in range(0, len(objs), BATCH):
            batch = objs[start:start + BATCH]
            statement, params = self._compile(fields, batch, returning=returning)
            # One array per column (PostgreSQL's UNNEST for many rows), or one value per row and column.
            by_column = len(batch) > 1 and len(params) >= self.width and all(
                isinstance(p, list) and len(p) == len(batch) for p in params[:self.width])
            if not by_column:
                self._check_flat(params, len(batch))
            self.batches.append((start, batch, statement, params, by_column))

    def _compile(self, fields, objs, *, returning: bool) -> tuple[str, list]:
        query = sql.InsertQuery(self.model)
        query.insert_values(fields, objs)
        compiler = query.get_compiler(using=self.using)
        if returning:
            compiler.returning_fields = self.model._meta.db_returning_fields
        [(statement, params)] = compiler.as_sql()
        return statement, list(params)

    def _check_flat(self, params: list, rows: int) -> None:
        if len(params) < rows * self.width:
            raise ValueError("an insert value is an expression: use bulk_create")

    def _prepared(self, name: str, values: list) -> list:
        connection = connections[self.using]
        return [self.fields[name].get_db_prep_save(v, connection) for v in values]

    def execute(self, **values: list) -> None:
        """Run the statements, with ``values[name][i]`` (a Python value) as field ``name`` of
        ``objs[i]`` for each deferred field."""
        if not self.objs:
            return
        connection = connections[self.using]
        with connection.cursor() as cursor:
            if self.one_by_one:
                for name, slot in self.slots.items():
                    for row, value in zip(self.rows, self._prepared(name, values[name]), strict=True):
                        row[slot] = value
                cursor.executemany(self.statement, self.rows)
                if self.returning:
                    pk = self.model._meta.pk
                    qn = connection.ops.quote_name
                    cursor.execute(f"SELECT {qn(pk.column)} FROM {qn(self.model._meta.db_table)} "
                                   f"ORDER BY {qn(pk.column)} DESC LIMIT %s", [len(self.objs)])
                    for obj, (new_id,) in zip(self.objs, reversed(cursor.fetchall()), strict=True):
                        obj.pk = new_id
            else:
                for start, batch, statement, params, by_column in self.batches:
                    for name, slot in self.slots.items():
                        prepared = self._prepared(name, values[name][start:start + len(batch)])
                        if by_column:
                            params[slot] = prepared
                        else:
                            params[slot:len(batch) * self.width:self.width] = prepared
                    cursor.execute(statement, params)
                    if self.returning:
                        rows = connection.ops.fetch_returned_insert_rows(cursor)
                        for obj, row in zip(batch, rows, strict=True):
                            obj.pk = row[0]
        for obj in self.objs:
            obj._state.adding, obj._state.db = False, self.using
