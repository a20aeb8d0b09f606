"""The work the database does on the registry's company table, for tests that a query does not read
the whole registry once per row or per node — counted, not timed."""

from __future__ import annotations

from django.db import connection

from lianzhao.enterprises.models import Enterprise

TABLE = Enterprise._meta.db_table


def add_unlisted_companies(count: int) -> None:
    """``count`` local companies without stock code or products (登记企业N有限公司, numbered from 1),
    inserted in one statement, then the table's statistics refreshed — as after a bureau imports its
    register."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (created_at, updated_at, name, short_name, region_code, gbt_code, csrc_code, "
            "stock_code, scale, is_local, is_chain_leader, is_sample, note, search_text, source) "
            "SELECT CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '登记企业' || g || '有限公司', '', '370215', '2929', '', '', '', "
            "true, false, false, '', '', '' FROM (WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n "
            "WHERE g < %s) SELECT g FROM n) AS numbers", [count])
        cursor.execute(f"ANALYZE {TABLE}")


class RegistryWork:
    """Work the database does on the registry's company table, in one engine-neutral unit: PostgreSQL's
    rows read from it (sequentially or through an index), SQLite's virtual-machine steps (in
    thousands). Compare a count with :meth:`one_scan`, the work of reading the table through once."""

    table = TABLE

    def __init__(self):
        self.steps = 0
        with connection.cursor():  # the connection is open from here on
            pass
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(self._step, 1000)

    def _step(self):
        self.steps += 1
        return 0

    def count(self) -> int:
        if connection.vendor == "sqlite":
            return self.steps
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq_tup_read + COALESCE(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables "
                           "WHERE relname = %s", [self.table])
            return cursor.fetchone()[0]

    def of(self, action) -> int:
        before = self.count()
        action()
        return self.count() - before

    def close(self):
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(None, 1000)


    def one_scan(self) -> int:
        """The work of reading the table through once (a filter no index serves)."""
        def scan():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE note = %s", ["无此备注"])
        return self.of(scan)
