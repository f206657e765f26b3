"""Benchmark of the member register (not collected by pytest).

    .venv/bin/python tests/benchmarks/register_benchmark.py [--database-url URL] [--members N]

On a scratch database (default sqlite:////tmp/bench.db; ALL ITS DATA IS DROPPED) built
by the migrations, it:
  1. imports 10,000 members from a generated CSV through the real import operation;
  2. bulk-loads more entries up to --members (default 100,000);
  3. times, through the Flask test client logged in as a board member, the median of
     --repeats requests (default 20) of the register list (plain, deep page, searches),
     a member's detail page and the CSV export;
  4. counts the SQL statements of the list page with per_page 10 and 50.
Targets: import of 10k < 10 s; list and detail < 150 ms median.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

FIRST = ["Mario", "Anna", "Giuseppe", "Luca", "Giulia", "Marco", "Sara", "Paolo", "Chiara",
         "Francesco", "Elena", "Alessandro", "Laura", "Andrea", "Valentina", "Stefano", "Marta",
         "Roberto", "Silvia", "Davide"]
LAST = ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
        "Marino", "Greco", "Bruno", "Gallo", "Conti", "Costa", "Giordano", "Mancini", "Rizzo",
        "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso"]
CATEGORIES = ["worker"] * 16 + ["volunteer"] * 2 + ["user", "financing"]


def people(rng: random.Random, count: int, taken: set[str]):
    """Distinct people with valid tax codes (first name, last name, birth date, code)."""
    from tests.factories import make_tax_code
    while count:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(23000))
        code = make_tax_code(last, first, born, female=first.endswith("a"))
        if code in taken:
            continue
        taken.add(code)
        count -= 1
        yield first, last, born, code


def import_file(rng: random.Random, rows: int, taken: set[str]) -> bytes:
    lines = ["number,first_name,last_name,tax_code,birth_date,email,phone,address,category,"
             "admitted_on,shares"]
    for i, (first, last, born, code) in enumerate(people(rng, rows, taken), start=1):
        admitted = max(born + timedelta(days=18 * 366), date(1994, 3, 1)) + timedelta(days=rng.randrange(3000))
        admitted = min(admitted, date(2025, 12, 31))
        lines.append(f"{i},{first},{last},{code},{born.isoformat()},{first.lower()}.{last.lower()}{i}@example.org,"
                     f"+39 02 {rng.randrange(1000000, 9999999)},\"Via Roma {i}, 20077 Melegnano (MI)\","
                     f"{rng.choice(CATEGORIES)},{admitted.isoformat()},{rng.randint(1, 40)}")
    return ("\n".join(lines) + "\n").encode()


def reset_database(app, url: str) -> None:
    from flask_migrate import upgrade
    from governance.extensions import db
    with app.app_context():
        parsed = sa.engine.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            db.engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        else:
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            db.engine.dispose()
        upgrade()


def bulk_load(rng: random.Random, up_to: int, taken: set[str]) -> int:
    """Fill the register up to `up_to` entries with plain INSERTs (not the import: this
    is only data for the page timings). Returns how many were added."""
    from governance.core import clock
    from governance.extensions import db
    from governance.members.models import Member, RegisterCounter
    start = db.session.scalar(sa.select(sa.func.max(Member.number))) or 0
    now = clock.now()
    batch, added = [], 0
    for number, (first, last, born, code) in enumerate(people(rng, up_to - start, taken), start=start + 1):
        status = "active" if rng.random() < 0.9 else rng.choice(["withdrawn", "excluded", "deceased"])
        batch.append({
            "number": number, "first_name": first, "last_name": last, "tax_code": code,
            "birth_date": born, "address": f"Via Milano {number}, 20077 Melegnano (MI)",
            "email": f"socio{number}@example.org", "phone": "+39 02 5550101",
            "category": rng.choice(CATEGORIES), "admitted_on": date(1994, 3, 1) + timedelta(days=rng.randrange(11000)),
            "shares_subscribed": rng.randint(1, 40), "shares_paid_amount": Decimal("25.00"),
            "status": status, "exit_on": date(2024, 12, 31) if status != "active" else None,
            "exit_reason": "recesso" if status != "active" else None,
            "created_at": now, "updated_at": now, "search_name": f"{last} {first}".lower(),
        })
        if len(batch) == 5000:
            db.session.execute(sa.insert(Member), batch)
            added += len(batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(Member), batch)
        added += len(batch)
    db.session.execute(sa.update(RegisterCounter).values(last_number=up_to))
    db.session.commit()
    return added


def timed(client, url: str, repeats: int, headers=None) -> tuple[float, float, int]:
    """(median ms, max ms, bytes) of `repeats` GETs after two warm-up requests."""
    for _ in range(2):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        response.get_data()  # a streamed body keeps its request context until read and closed
        response.close()
    times = []
    size = 0
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        size = len(response.get_data())  # consume a streamed body too
        response.close()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), max(times), size


def count_queries(client, url: str) -> int:
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
    event.listen(Engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", before)
    return len(statements)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench.db",
                        help="scratch database: everything in it is dropped")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--pdf", action="store_true", help="also time the PDF of the whole register (slow)")
    args = parser.parse_args()

    from governance import create_app
    from governance.auth.operations import create_user, issue_token
    from governance.extensions import db
    from governance.members import importing
    from governance.members.models import Member

    app = create_app("development", SQLALCHEMY_DATABASE_URI=args.database_url, TESTING=False)
    reset_database(app, args.database_url)
    rng = random.Random(2538)
    taken: set[str] = set()
    results: list[tuple[str, str, str]] = []
    dialect = sa.engine.make_url(args.database_url).get_backend_name()

    with app.app_context():
        board = create_user("bench-board@example.org", "benchmark-password", ["board"])
        _, token = issue_token(board, "benchmark", 1)
        db.session.commit()
        data = import_file(rng, args.import_rows, taken)
        with app.test_request_context():
            start = time.perf_counter()
            result = importing.import_register(data, board)
            db.session.commit()
            elapsed = time.perf_counter() - start
        assert result.imported == args.import_rows
        results.append((f"import {args.import_rows:,} rows (CSV {len(data) / 1e6:.1f} MB)",
                        f"{elapsed:.2f} s", "< 10 s" + (" OK" if elapsed < 10 else " MISSED")))

        start = time.perf_counter()
        bulk_load(rng, args.members, taken)
        # As autovacuum/ANALYZE would have done on a live database.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
        print(f"[{dialect}] register filled to {total:,} entries in {time.perf_counter() - start:.1f} s",
              file=sys.stderr)
        some = total // 2
        # An imported entry, with its history, for the detail page.
        imported = args.import_rows // 2
        board_session_id = board.get_id()
        sample = db.session.execute(sa.select(Member.tax_code, Member.last_name)
                                    .where(Member.number == total // 3)).one()

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = board_session_id
        session["_fresh"] = True

    pages = [
        ("list page 1 (50 rows)", "/members", 150),
        ("list page 1000 (offset 49,950)", "/members?page=1000", 150),
        ("list filter volunteer + active", "/members?category=volunteer&status=active", 150),
        (f"list search name '{sample.last_name.lower()}'", f"/members?q={sample.last_name.lower()}", 150),
        ("list search tax code prefix", f"/members?q={sample.tax_code[:8]}", 150),
        ("list search register number", f"/members?q={some}", 150),
        ("member detail page (with history)", f"/members/{imported}", 150),
        ("API list (50 rows, bearer token)", "/api/v1/members", 150),
        (f"CSV export ({total:,} rows)", "/members/export.csv", None),
    ]
    # The API takes bearer tokens only (a session cookie would be refused): its own client.
    api_client = app.test_client()
    for label, url, target in pages:
        if url.startswith("/api/"):
            median, worst, size = timed(api_client, url, args.repeats, {"Authorization": f"Bearer {token}"})
        else:
            median, worst, size = timed(client, url, args.repeats)
        verdict = f"< {target} ms" + (" OK" if median < target else " MISSED") if target else ""
        results.append((label, f"{median:.1f} ms (max {worst:.0f}, {size / 1024:.0f} KB)", verdict))

    q10 = count_queries(client, "/members?per_page=10")
    q50 = count_queries(client, "/members?per_page=50")
    results.append(("SQL statements, list per_page 10 / 50", f"{q10} / {q50}",
                    "same" if q10 == q50 else "DIFFERENT (N+1?)"))

    if args.pdf:
        start = time.perf_counter()
        response = client.get("/members/register.pdf")
        size = len(response.data)
        results.append((f"PDF register ({total:,} rows, once)",
                        f"{time.perf_counter() - start:.1f} s ({size / 1e6:.1f} MB)", ""))

    width = max(len(r[0]) for r in results)
    print(f"\nRegister benchmark on {dialect} ({args.database_url}), {total:,} members, "
          f"median of {args.repeats} requests")
    print("-" * (width + 50))
    for label, value, verdict in results:
        print(f"{label:<{width}}  {value:<36} {verdict}")
    missed = [r for r in results if "MISSED" in r[2] or "DIFFERENT" in r[2]]
    return 1 if missed else 0


if __name__ == "__main__":
    os.environ.setdefault("GOVERNANCE_CONFIG", "development")
    sys.exit(main())
