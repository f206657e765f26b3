"""Benchmark of social loans (not collected by pytest; `make benchmark-loans`).

    .venv/bin/python tests/benchmarks/loans_benchmark.py [--database-url URL] [--accounts N]
        [--movements M] [--repeats R]

On a scratch PostgreSQL database (default postgresql+psycopg://postgres@127.0.0.1:5432/
loans_bench; ALL ITS DATA IS DROPPED) built by the migrations, it:
  1. bulk-loads N members (default 10,000), one free account each and M movements per
     account in 2025 (default 20: deposits and withdrawals, never below zero), with the
     balances and the total outstanding they add up to;
  2. times the year-end run for 2025 through the real operation (interest, withholding,
     capitalisation and the statement emails of every account, committed batch by batch),
     then checks that a second run books nothing and that reconcile finds no difference;
  3. times, through the Flask test client with a bearer token, the median of R requests
     (default 20) of one account's 2025 statement (JSON and PDF) and of the board's summary
     (API and page).
Targets: year end < 30 s (10,000 accounts); statement < 100 ms; summary < 200 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

YEAR = 2025


def reset_database(app, url: str) -> None:
    from flask_migrate import upgrade
    from governance.extensions import db
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        db.engine.dispose()
        upgrade()


def bulk_load(rng: random.Random, accounts: int, movements: int) -> Decimal:
    """Members, accounts and movements with plain INSERTs (only data for the timings)."""
    from governance.core import clock
    from governance.extensions import db
    from governance.loans.models import LoanAccount, LoanMovement, LoanTotals
    from governance.members.models import Member, RegisterCounter
    now = clock.now()
    total = Decimal("0.00")
    for first in range(1, accounts + 1, 5000):
        numbers = range(first, min(first + 5000, accounts + 1))
        db.session.execute(sa.insert(Member.__table__), [{
            "number": n, "first_name": "Anna", "last_name": f"Socia {n}", "tax_code": f"BNCNNA80A41F{n:04d}"[:16],
            "birth_date": date(1980, 1, 1), "address": "Via Roma 1, Melegnano", "email": f"socia{n}@example.org",
            "phone": None, "category": "worker", "admitted_on": date(2015, 3, 1), "shares_subscribed": 1,
            "shares_paid_amount": Decimal("25.00"), "status": "active", "created_at": now, "updated_at": now,
            "search_name": f"socia {n} anna"} for n in numbers])
        ids = dict(db.session.execute(sa.select(Member.number, Member.id).where(Member.number.in_(list(numbers)))).all())
        account_rows, plans = [], []
        for n in numbers:
            balance, lines = Decimal("0.00"), []
            days = sorted(date(YEAR, 1, 1) + timedelta(days=rng.randrange(365)) for _ in range(movements))
            for index, day in enumerate(days):
                if index == 0 or balance < 100 or rng.random() < 0.7:
                    amount = Decimal(rng.randrange(100, 200_000)) / 100
                else:
                    amount = -min(balance, Decimal(rng.randrange(100, 100_000)) / 100)
                if amount == 0:
                    amount = Decimal("1.00")
                balance += amount
                lines.append((day, amount))
            account_rows.append({"member_id": ids[n], "product": "free", "opened_on": date(YEAR, 1, 1),
                                 "iban": "IT60X0542811101000000123456", "status": "open", "balance": balance,
                                 "created_at": now})
            plans.append(lines)
            total += balance
        account_ids = db.session.scalars(sa.insert(LoanAccount).returning(LoanAccount.id, sort_by_parameter_order=True),
                                         account_rows).all()
        db.session.execute(sa.insert(LoanMovement.__table__), [
            {"account_id": account_id, "kind": "deposit" if amount > 0 else "withdrawal", "amount": amount,
             "booked_on": day, "value_date": day, "earns_from": day, "created_at": now}
            for account_id, lines in zip(account_ids, plans) for day, amount in lines])
        db.session.commit()
    db.session.execute(sa.update(LoanTotals).values(total_outstanding=total))
    db.session.execute(sa.update(RegisterCounter).values(last_number=accounts))
    db.session.commit()
    return total


def timed(client, url: str, repeats: int, headers=None) -> tuple[float, float]:
    for _ in range(2):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.get_data()[:300])
        response.get_data()
        response.close()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        response.get_data()
        response.close()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/loans_bench",
                        help="scratch PostgreSQL database: everything in it is dropped")
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--movements", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    from governance import create_app
    from governance.auth.operations import create_user, issue_token
    from governance.core import clock
    from governance.extensions import db
    from governance.loans import operations, queries

    app = create_app("development", SQLALCHEMY_DATABASE_URI=args.database_url, TESTING=False)
    reset_database(app, args.database_url)
    clock.set_now(datetime(YEAR + 1, 1, 15, 9, 0, tzinfo=clock.ROME))
    rng = random.Random(601)
    results = []
    with app.app_context():
        board = create_user("bench-board@example.org", "benchmark-password", ["board"])
        office = create_user("bench-office@example.org", "benchmark-password", ["secretary"])
        _, board_token = issue_token(board, "benchmark", 1)
        _, office_token = issue_token(office, "benchmark", 1)
        board_session_id = board.get_id()
        operations.record_rate({"product": "free", "rate": "2.00", "effective_from": "2020-01-01"}, board)
        operations.record_rate({"product": "free", "rate": "2.50", "effective_from": f"{YEAR}-07-01"}, board)
        operations.record_equity({"amount": "900000000.00", "guaranteed_share": "0",
                                  "accounts_approved_on": f"{YEAR}-04-30"}, board)
        db.session.commit()
        start = time.perf_counter()
        bulk_load(rng, args.accounts, args.movements)
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        print(f"loaded {args.accounts:,} accounts x {args.movements} movements in "
              f"{time.perf_counter() - start:.1f} s", file=sys.stderr)

        with app.test_request_context():
            start, cpu = time.perf_counter(), time.process_time()
            result = operations.run_year_end(YEAR, office, after_batch=db.session.commit)
            db.session.commit()
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            assert result.accounts == args.accounts, result.accounts
            results.append((f"year-end run, {args.accounts:,} accounts x {args.movements} movements",
                            f"{elapsed:.2f} s (app CPU {cpu:.1f} s)", "< 30 s" + (" OK" if elapsed < 30 else " MISSED")))
            # As autovacuum would do after a run that rewrote every account row.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
            start = time.perf_counter()
            again = operations.run_year_end(YEAR, office)
            db.session.commit()
            results.append(("second year-end run (books nothing)", f"{time.perf_counter() - start:.2f} s",
                            "OK" if again.accounts == 0 else "BOOKED TWICE"))
            start = time.perf_counter()
            differences = queries.reconcile()
            results.append(("reconcile", f"{time.perf_counter() - start:.2f} s",
                            "OK" if not differences else f"{len(differences)} DIFFERENCES"))
        db.session.remove()

        client = app.test_client()
        some = args.accounts // 2
        office_headers = {"Authorization": f"Bearer {office_token}"}
        board_headers = {"Authorization": f"Bearer {board_token}"}
        for label, url, headers, target in (
                ("statement (API JSON)", f"/api/v1/loans/{some}/statement?year={YEAR}", office_headers, 100),
                ("statement (API PDF)", f"/api/v1/loans/{some}/statement.pdf?year={YEAR}", office_headers, 100),
                ("board summary (API)", "/api/v1/loans/summary", board_headers, 200)):
            median, worst = timed(client, url, args.repeats, headers)
            results.append((label, f"{median:.1f} ms median (max {worst:.1f})",
                            f"< {target} ms" + (" OK" if median < target else " MISSED")))
        with client.session_transaction() as session:
            session["_user_id"] = board_session_id
            session["_fresh"] = True
        median, worst = timed(client, "/loans/summary", args.repeats)
        results.append(("board summary page (cap use, maturities)", f"{median:.1f} ms median (max {worst:.1f})",
                        "< 200 ms" + (" OK" if median < 200 else " MISSED")))

    width = max(len(r[0]) for r in results)
    print(f"\nload average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"Social loans benchmark on {sa.engine.make_url(args.database_url).get_backend_name()}:")
    for label, figure, verdict in results:
        print(f"  {label.ljust(width)}  {figure:>34}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
