"""Bulk inserts whose SQL is compiled before the transaction that runs it.

``bulk_create`` prepares every value of every row in Python (conversion for the database, automatic
timestamps, placeholders) and then runs the statements; inside a transaction all of that time holds
the database's write lock — on SQLite the whole database's. :class:`PreparedInsert` splits the two:
compile now, execute later under the lock.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import AutoField, sql

#: Rows per INSERT statement (fewer where the database limits the number of parameters).
BATCH = 500


class PreparedInsert:
    """INSERT statements for ``objs`` compiled by Django now — values converted for the database,
    automatic timestamps set — and executed later by :meth:`execute`, inside the transaction: the
    write lock is held for the database's own work, not for the Python that prepares each value
    (two thirds of the time of a ``bulk_create``). The values of the ``deferred`` fields are not
    known yet (the ids of projects inserted in the same transaction): they are given to
    :meth:`execute` and put into the compiled parameters there. With ``returning``, the new ids
    are set on the objects, as ``bulk_create`` does (SQLite ≥ 3.35 and PostgreSQL return them).

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
        size = max(min(BATCH, connection.ops.bulk_batch_size(fields, objs)), 1)
        self.batches = []
        for start in range(0, len(objs), size):
            batch = objs[start:start + size]
            query = sql.InsertQuery(model)
            query.insert_values(fields, batch)
            compiler = query.get_compiler(using=using)
            if returning:
                compiler.returning_fields = model._meta.db_returning_fields
            [(statement, params)] = compiler.as_sql()
            params = list(params)
            # Two layouts: one parameter per value, row after row (SQLite; PostgreSQL for one row),
            # or one array per column (PostgreSQL's INSERT … SELECT * FROM UNNEST(…) for many rows).
            by_column = len(batch) > 1 and len(params) >= self.width and all(
                isinstance(p, list) and len(p) == len(batch) for p in params[:self.width])
            if not by_column and len(params) < len(batch) * self.width:
                raise ValueError("an insert value is an expression: use bulk_create")
            self.batches.append((start, batch, statement, params, by_column))

    def execute(self, **values: list) -> None:
        """Run the statements, with ``values[name][i]`` (a Python value) as field ``name`` of
        ``objs[i]`` for each deferred field."""
        connection = connections[self.using]
        with connection.cursor() as cursor:
            for start, batch, statement, params, by_column in self.batches:
                for name, slot in self.slots.items():
                    prepared = [self.fields[name].get_db_prep_save(v, connection)
                                for v in values[name][start:start + len(batch)]]
                    if by_column:
                        params[slot] = prepared
                    else:
                        params[slot:len(batch) * self.width:self.width] = prepared
                cursor.execute(statement, params)
                if self.returning:
                    for obj, row in zip(batch, connection.ops.fetch_returned_insert_rows(cursor), strict=True):
                        obj.pk = row[0]
                for obj in batch:
                    obj._state.adding, obj._state.db = False, self.using
