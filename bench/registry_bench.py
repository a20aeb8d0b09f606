"""Benchmark of the enterprise registry at real volumes: importing a million companies from CSV and
searching them (prints one Markdown table).

    python bench/registry_bench.py                                 # 1,000,000 rows, SQLite
    scripts/with_postgres.sh .venv/bin/python bench/registry_bench.py --postgres   # the same on PostgreSQL
    python bench/registry_bench.py --rows 100000 --xlsx-rows 20000 --runs 5       # quick check

The database is a fresh one: a temporary LIANZHAO_VAR_DIR with SQLite, or with ``--postgres`` the
server of DATABASE_URL (scripts/with_postgres.sh starts a throwaway one). The file is generated:
synthetic companies (names ``基准企业N有限公司``, valid USCC check digits, real county codes and
GB/T 小类, two or three main products from the 2021 product graph's vocabulary with shares,
registered capital and founding dates; seeded). Steps, each through lianzhao's own code:

(a) import into the empty registry — :func:`lianzhao.enterprises.importing.import_enterprises`, the
    path of the web page and the background job: read, check every row, stage, merge;
(b) import the same file again — every row checked and found unchanged, nothing written;
(c) import it with 10 % of the rows changed — those updated, one audit row each;
(d) the Excel path — the same import from an .xlsx of ``--xlsx-rows`` rows (openpyxl streaming), per
    row, to say what an .xlsx of a million rows would cost;
(e) search — ``Enterprise.objects.search(q)``: the first page of 30 by name, as the list page asks
    (median of ``--runs`` after one warm-up), for an exact name, a USCC, a stock-style code, a rare and a
    common product word; beside each, the peer: the same query as a LIKE scan over names and
    products (what the list page did before the full-text index);
(f) candidate lists — the Jimo demo's chains, chain leaders and the 5,486 listed companies loaded on top
    of the million, then :func:`lianzhao.targets.candidates.candidates_for` (the one function behind the
    candidate page, its Excel export and ``lianzhao targets``) for every 补链/强链/延链 node of the six
    leading industries, gap class included, after one warm-up per industry (the analysis is cached);
    the peer: the node's name as a LIKE scan over names and products, first 50 by name (the naive list).

The peer of the import is Django's ``bulk_create`` of the same rows without any check, audit or
product (the least an ORM import does). Times are wall clock on the machine it runs on.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

#: CPU seconds of this process per import, in order (SQLite works inside it; PostgreSQL's server is
#: another process, not counted).
CPU_RUNS: list[float] = []
HEADER = ["企业名称", "统一社会信用代码", "区划代码", "行业代码", "主营产品", "注册资本（万元）", "成立日期", "规模"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _setup(var_dir: Path, postgres: bool) -> None:
    os.environ["LIANZHAO_VAR_DIR"] = str(var_dir)
    if not postgres:
        os.environ.pop("DATABASE_URL", None)
    elif not os.environ.get("DATABASE_URL"):
        sys.exit("--postgres needs DATABASE_URL (run under scripts/with_postgres.sh)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianzhao.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _uscc(rng: random.Random, region: str) -> str:
    from lianzhao.refdata.uscc import check_character

    body = "91" + region + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


def generate(path: Path, rows: int, seed: int = 20250328, changed_every: int = 0, prefix: str = "基准企业") -> None:
    """A CSV of ``rows`` synthetic companies (see the module docstring); with ``changed_every`` N, every
    N-th row gets another registered capital (the "10 % changed" file)."""
    from lianzhao.refdata.chain_graph import read_company_products
    from lianzhao.refdata.divisions import load_divisions
    from lianzhao.refdata.gbt4754 import load_classification

    rng = random.Random(seed)
    counties = sorted(c for c in load_divisions()._by_code if len(c) == 6)  # noqa: SLF001 (bench)
    classes = [c.code for c in load_classification().classes(4)]
    products = sorted({p.product for p in read_company_products() if 2 <= len(p.product) <= 12 and "、" not in p.product
                       and "," not in p.product})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            region = rng.choice(counties)
            picked = rng.sample(products, rng.randint(2, 3))
            shares = [rng.randint(5, 60) for _ in picked]
            capital = rng.randint(50, 500_000)
            if changed_every and i % changed_every == 0:
                capital += 1
            founded = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(12_000))
            writer.writerow([f"{prefix}{i}有限公司", _uscc(rng, region), region, rng.choice(classes),
                             "、".join(f"{p}（{s}%）" for p, s in zip(picked, shares, strict=True)), capital,
                             founded.isoformat(), rng.choice(["大型", "中型", "小型", "微型", ""])])


def to_xlsx(csv_path: Path, xlsx_path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.reader(fh)):
            if i > rows:
                break
            ws.append(row)
    wb.save(xlsx_path)


def timed_import(path: Path, user) -> tuple[float, object]:
    from django.core.files import File

    from lianzhao.enterprises.importing import import_enterprises

    started, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as fh:
        result = import_enterprises(File(fh, name=path.name), filename=path.name, acting_user=user)
    seconds = time.perf_counter() - started
    CPU_RUNS.append(time.process_time() - cpu)
    if not result.ok:
        sys.exit("import failed: " + "\n".join(result.errors[:10]))
    return seconds, result.batch


def peer_bulk_create(path: Path) -> float:
    """Django's bulk_create of the same rows, no checks, no products, no audit, then removed again."""
    from django.db import transaction

    from lianzhao.enterprises.models import Enterprise

    started = time.perf_counter()
    objs = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for row in reader:
            objs.append(Enterprise(name="对照" + row[0], uscc=None, region_code=row[2], gbt_code=row[3]))
    with transaction.atomic():
        Enterprise.objects.bulk_create(objs, batch_size=5000)
    seconds = time.perf_counter() - started
    Enterprise.objects.filter(name__startswith="对照").delete()
    return seconds


def search_times(runs: int, rows: int) -> list[tuple[str, str, float, float, int]]:
    from django.db import reset_queries
    from django.db.models import Q

    from lianzhao.enterprises.models import Enterprise

    probe = Enterprise.objects.order_by("pk").values("name", "uscc").first()
    common = Enterprise.objects.order_by("pk").values_list("products__name", flat=True)[7]
    queries = [("exact name", f"基准企业{rows // 2}有限公司"), ("USCC", probe["uscc"]),
               ("name fragment", f"企业{rows // 3}有"), ("product word", common), ("two characters", "隔膜")]
    out = []
    for label, q in queries:
        def fts(q=q):
            qs = Enterprise.objects.search(q).order_by("name")
            return len(list(qs[:30]))

        def like(q=q):
            qs = Enterprise.objects.filter(Q(name__contains=q) | Q(uscc=q) | Q(products__name__contains=q)).distinct()
            return len(list(qs.order_by("name")[:30]))

        found = fts()
        like()
        times = {}
        for name, fn in (("fts", fts), ("like", like)):
            samples = []
            for _ in range(runs):
                reset_queries()
                t = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - t)
            times[name] = statistics.median(samples)
        out.append((label, q, times["fts"], times["like"], found))
    return out


def candidate_times() -> tuple[list[tuple[str, float, int, bool]], list[float]]:
    """(node, seconds, candidates, pool capped) for each gap node of the six leading industries, and the
    naive peer's seconds for the same nodes."""
    from django.db.models import Q

    from lianzhao.enterprises.models import Enterprise
    from lianzhao.industries.choices import IndustryKind
    from lianzhao.industries.models import Industry
    from lianzhao.targets.candidates import candidates_for, gap_classes

    out, peer = [], []
    for industry in Industry.objects.filter(kind=IndustryKind.LEADING).order_by("pk"):
        classes, why = gap_classes(industry)  # also warms the analysis cache for the timed lists
        if why:
            sys.exit(f"gap analysis unavailable: {why}")
        for node in industry.chain_nodes.order_by("pk"):
            if not classes.get(node.key, {}).get("is_gap"):
                continue
            t = time.perf_counter()
            result = candidates_for(node)
            out.append((f"{industry.name} › {node.name}", time.perf_counter() - t, result.total, result.pool_capped))
            t = time.perf_counter()
            list(Enterprise.objects.filter(Q(name__contains=node.name) | Q(products__name__contains=node.name))
                 .distinct().order_by("name").values_list("pk", flat=True)[:50])
            peer.append(time.perf_counter() - t)
    return out, peer


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lz-registry-bench-") as tmp:
        tmp = Path(tmp)
        _setup(tmp / "var", args.postgres)
        from django.db import connection

        from lianzhao.accounts.models import User
        from lianzhao.enterprises.models import Enterprise

        user = User.objects.create(username="bench", role="admin")
        data, changed, xlsx = tmp / "registry.csv", tmp / "registry_changed.csv", tmp / "registry.xlsx"
        t = time.perf_counter()
        generate(data, args.rows)
        generate(changed, args.rows, changed_every=10)
        generate(tmp / "sheet.csv", args.xlsx_rows, seed=7, prefix="表格企业")
        to_xlsx(tmp / "sheet.csv", xlsx, args.xlsx_rows)
        made = time.perf_counter() - t
        engine = f"{connection.vendor} {connection.Database.sqlite_version}" if connection.vendor == "sqlite" else (
            f"PostgreSQL {connection.cursor().connection.info.server_version}")
        print(f"# registry_bench — {dt.date.today():%Y-%m-%d}, {engine}, Python {platform.python_version()}, "
              f"{os.cpu_count()} CPUs; {args.rows:,} rows, CSV {data.stat().st_size / 1e6:,.0f} MB "
              f"(generated in {made:.0f} s)")
        first, batch = timed_import(data, user)
        peak_self, peak_child = _peak_mb(resource.RUSAGE_SELF), _peak_mb(resource.RUSAGE_CHILDREN)
        again, batch2 = timed_import(data, user)
        update, batch3 = timed_import(changed, user)
        rows_in_db = Enterprise.objects.count()
        peer = peer_bulk_create(data)
        xlsx_seconds, _ = timed_import(xlsx, user)  # new companies
        print()
        print("| step | rows | seconds | CPU s (this process) | rows/s | note |")
        print("|---|---|---|---|---|---|")
        print(f"| (a) CSV import into an empty registry | {args.rows:,} | {first:.1f} | {CPU_RUNS[0]:.1f} | "
              f"{args.rows / first:,.0f} | created {batch.created:,}, products {batch.products:,} |")
        print(f"| peer: Django bulk_create, no checks/products/audit | {args.rows:,} | {peer:.1f} | — | "
              f"{args.rows / peer:,.0f} | ours / peer = {first / peer:.2f} |")
        print(f"| (b) the same CSV again | {args.rows:,} | {again:.1f} | {CPU_RUNS[1]:.1f} | {args.rows / again:,.0f} | "
              f"unchanged {batch2.unchanged:,} |")
        print(f"| (c) CSV with 10 % changed | {args.rows:,} | {update:.1f} | {CPU_RUNS[2]:.1f} | "
              f"{args.rows / update:,.0f} | updated {batch3.updated:,} (one audit row each) |")
        print(f"| (d) .xlsx (openpyxl streaming) | {args.xlsx_rows:,} | {xlsx_seconds:.1f} | {CPU_RUNS[3]:.1f} | "
              f"{args.xlsx_rows / xlsx_seconds:,.0f} | a million rows ≈ {1e6 / (args.xlsx_rows / xlsx_seconds):,.0f} s |")
        print()
        print(f"Search over {rows_in_db:,} companies (first page of 30 by name; median of {args.runs}):")
        print()
        print("| query | text | full-text ms | LIKE scan ms | ratio | found |")
        print("|---|---|---|---|---|---|")
        for label, q, fts, like, found in search_times(args.runs, args.rows):
            print(f"| {label} | {q} | {fts * 1000:.1f} | {like * 1000:.1f} | {like / fts:,.0f}× | {found} |")
        print()
        print(f"Peak memory of (a): {peak_self:,.0f} MB this process (SQLite's page cache included when it is "
              f"SQLite), {peak_child:,.0f} MB its checking process.")
        _candidate_table(args.rows)


def _candidate_table(rows: int) -> None:
    from lianzhao.demo.loader import load_demo
    from lianzhao.enterprises.models import Enterprise
    from lianzhao.enterprises.reference import load_reference_companies

    load_demo()
    load_reference_companies()
    lists, peer = candidate_times()
    seconds = sorted(s for _, s, _, _ in lists)
    slowest = max(lists, key=lambda row: row[1])
    print()
    print(f"(f) Candidate lists over {Enterprise.objects.count():,} companies (demo chains and leaders, listed "
          f"companies, the {rows:,} imported): {len(lists)} 补链/强链/延链 nodes, one list each, gap class included:")
    print()
    print("| list | median s | 90th percentile s | slowest | median candidates | pools capped |")
    print("|---|---|---|---|---|---|")
    print(f"| candidates_for (page, Excel, CLI) | {statistics.median(seconds):.2f} | "
          f"{seconds[int(0.9 * (len(seconds) - 1))]:.2f} | {slowest[1]:.2f} s ({slowest[0]}) | "
          f"{statistics.median(n for _, _, n, _ in lists):,.0f} | {sum(c for *_, c in lists)} of {len(lists)} |")
    print(f"| peer: node name as a LIKE scan, first 50 | {statistics.median(peer):.2f} | "
          f"{sorted(peer)[int(0.9 * (len(peer) - 1))]:.2f} | {max(peer):.2f} s | — | — |")
    print()
    print(f"ours / peer (medians) = {statistics.median(seconds) / statistics.median(peer):.2f}")


if __name__ == "__main__":
    main()
