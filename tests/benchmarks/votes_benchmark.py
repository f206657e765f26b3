"""Benchmark of the ballot endpoint (not collected by pytest; `make benchmark-votes`).

    .venv/bin/python tests/benchmarks/votes_benchmark.py [--database-url URL]
        [--reference-url URL] [--members 5000] [--duration 10] [--connections 16]
        [--workers 4] [--result-ballots 100000]

Side by side in the same run, on the same machine, with the same load generator (wrk,
`apt-get install wrk`; -t2 -c16 by default):
  1. the reference of ../shared/bench (reference_ballot_app.py under gunicorn: a token
     lookup and two INSERTs, no roll, no proxies, no audit, no permissions), on its own
     scratch database (default .../votes_calib, ALL ITS DATA IS DROPPED);
  2. the platform's real `POST /api/v1/motions/{id}/ballots` under gunicorn on a scratch
     database built by the migrations (default .../votes_bench, ALL ITS DATA IS DROPPED):
     5,000 members with API tokens on the roll of an assembly in session, all present,
     a batch of open motions; each request is a different member's ballot (token lookup,
     permission, roll, attendance, proxy check, the UNIQUE insert, the audit entry,
     commit). Ballots/s are counted from the rows written, not the answers;
  3. the result of a motion with 100,000 ballots: the count and the rule (what closing
     a vote computes), median of 5, and the result as read over HTTP once closed.
It ends with one line:
    ballots/s real=<n> reference=<n> ratio=<r> p99_ms=<n> result_ms=<n>
Targets on a 2-core machine: ratio >= 0.5, p99 < 100 ms, result < 200 ms.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_BENCH = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

MOTIONS = 12  # open motions: members x motions ballots can be cast before running out

LUA = r"""
local tokens = {}
local motions = {}
local counter = 0
local thread_id = 0
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
init = function(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  for m in string.gmatch(args[2], "%d+") do motions[#motions + 1] = m end
  nthreads = tonumber(args[3])
end
request = function()
  -- thread t takes requests t, t + n, t + 2n ...: every (member, motion) pair once
  local i = counter * nthreads + tid
  counter = counter + 1
  local member = (i % #tokens) + 1
  local motion = motions[(math.floor(i / #tokens) % #motions) + 1]
  return wrk.format("POST", "/api/v1/motions/" .. motion .. "/ballots",
    {["Authorization"] = "Bearer " .. tokens[member], ["Content-Type"] = "application/json"},
    '{"choice":"yes"}')
end
"""


def reset_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def create_database(url: str) -> None:
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def seed(app, members: int) -> tuple[list[str], list[int]]:
    """Members, member logins with API tokens, an assembly in session with all of them on
    the roll and present, and MOTIONS open motions. Plain INSERTs (only data to time)."""
    from governance.assemblies.models import AgendaItem, Assembly, AssemblyStatus, Attendance, CallUsed, Kind, RollEntry
    from governance.auth.models import ApiToken, User, UserRole
    from governance.auth.models import hash_token
    from governance.core import clock
    from governance.extensions import db
    from governance.members.models import Member
    from governance.votes.models import Motion, MotionStatus
    now = clock.now()
    tokens: list[str] = []
    with app.app_context():
        db.session.execute(sa.insert(Member.__table__), [{
            "number": n, "first_name": "Anna", "last_name": f"Socia {n}", "tax_code": f"BNCNNA80A41F{n:04d}"[:16],
            "birth_date": date(1980, 1, 1), "address": "Via Roma 1, Melegnano", "email": f"socia{n}@example.org",
            "phone": None, "category": "worker", "admitted_on": date(2015, 3, 1), "shares_subscribed": 1,
            "shares_paid_amount": Decimal("25.00"), "status": "active", "created_at": now, "updated_at": now,
            "search_name": f"socia {n} anna"} for n in range(1, members + 1)])
        ids = dict(db.session.execute(sa.select(Member.number, Member.id)).all())
        db.session.execute(sa.insert(User.__table__), [{
            "email": f"socia{n}@example.org", "password_hash": "!", "full_name": f"Anna Socia {n}", "is_active_account": True,
            "locale": "it", "member_id": ids[n], "created_at": now, "session_version": secrets.token_hex(8)}
            for n in range(1, members + 1)])
        users = dict(db.session.execute(sa.select(User.member_id, User.id)).all())
        db.session.execute(sa.insert(UserRole.__table__), [{"user_id": u, "role": "member"} for u in users.values()])
        rows = []
        for n in range(1, members + 1):
            raw = "gov_" + secrets.token_urlsafe(32)
            tokens.append(raw)
            rows.append({"user_id": users[ids[n]], "name": "bench", "token_hash": hash_token(raw), "prefix": raw[:10],
                         "created_at": now, "expires_at": now + timedelta(days=2)})
        db.session.execute(sa.insert(ApiToken.__table__), rows)
        assembly = Assembly(kind=Kind.ORDINARY, status=AssemblyStatus.IN_SESSION, title="Assemblea (benchmark)",
                            first_call_at=now - timedelta(hours=1), second_call_at=now + timedelta(days=1),
                            place="Sede", published_on=(now - timedelta(days=20)).date(), call=CallUsed.FIRST,
                            opened_at=now, created_at=now)
        item = AgendaItem(assembly=assembly, position=1, title="Mission", description="")
        db.session.add_all([assembly, item])
        db.session.flush()
        db.session.execute(sa.insert(RollEntry.__table__), [
            {"assembly_id": assembly.id, "member_id": i, "number": n, "name": f"Socia {n} Anna"} for n, i in ids.items()])
        db.session.execute(sa.insert(Attendance.__table__), [
            {"assembly_id": assembly.id, "member_id": i, "checked_in_at": now, "online": True} for i in ids.values()])
        motions = [Motion(agenda_item_id=item.id, title=f"Mozione {k}", subject="mission", rationale="",
                          proposed_text="Testo", voted_text="Testo", current_text="Vecchio", secret=k % 2 == 1,
                          by_correspondence=False, status=MotionStatus.OPEN, opened_at=now, created_at=now)
                   for k in range(MOTIONS)]
        db.session.add_all(motions)
        db.session.commit()
        motion_ids = [m.id for m in motions]
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return tokens, motion_ids


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


def start_gunicorn(app_spec: str, port: int, workers: int, env: dict, cwd: Path) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return subprocess.Popen([gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                             app_spec], cwd=str(cwd), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def run_wrk(base_url: str, script: str, args: list[str], threads: int, connections: int, duration: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script, base_url,
               "--", *args]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests": requests, "errors": int(non2xx.group(1)) if non2xx else 0,
            "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"), "raw": out}


def count_rows(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
    engine.dispose()
    return n


def reference_run(url: str, args, tokens_needed: int) -> dict:
    create_database(url)
    reset_schema(url)
    env = {**os.environ, "DB": url}
    subprocess.run([sys.executable, "reference_ballot_app.py", str(tokens_needed)], cwd=SHARED_BENCH, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    server = start_gunicorn("reference_ballot_app:app", 5302, args.workers, env, SHARED_BENCH)
    try:
        wait_for("http://127.0.0.1:5302/hello")
        started = count_rows(url, "participation")
        wrk = run_wrk("http://127.0.0.1:5302", str(SHARED_BENCH / "reference_cast.lua"), ["1"], args.threads,
                      args.connections, args.duration)
        wrk["ballots"] = count_rows(url, "participation") - started
    finally:
        stop(server)
    return wrk


def real_run(url: str, args, tokens: list[str], motion_ids: list[int], workdir: Path) -> dict:
    tokens_file = workdir / "tokens.txt"
    tokens_file.write_text("\n".join(tokens) + "\n")
    script = workdir / "cast.lua"
    script.write_text(LUA)
    env = {**os.environ, "DATABASE_URL": url, "GOVERNANCE_CONFIG": "production",
           "SECRET_KEY": secrets.token_hex(16), "PYTHONPATH": str(ROOT)}
    server = start_gunicorn("wsgi:app", 5301, args.workers, env, ROOT)
    try:
        wait_for("http://127.0.0.1:5301/api/v1/mission")
        started = count_rows(url, "vote_participations")
        wrk = run_wrk("http://127.0.0.1:5301", str(script),
                      [str(tokens_file), ",".join(map(str, motion_ids)), str(args.threads)],
                      args.threads, args.connections, args.duration)
        wrk["ballots"] = count_rows(url, "vote_participations") - started
    finally:
        stop(server)
    return wrk


def result_timing(app, url: str, ballots: int) -> tuple[float, float, float]:
    """A secret motion with `ballots` ballots: the median time of counting them and
    applying the rule (what closing computes), the time of closing (count, rule, digest
    and the rewrite of both records), and the result read over HTTP afterwards."""
    from governance.extensions import db
    from governance.votes import operations, queries
    from governance.votes.models import Motion, MotionStatus, SecretBallot
    from governance.votes.rules import new_receipt_code
    import uuid
    with app.app_context():
        template = db.session.scalars(sa.select(Motion).limit(1)).first()
        motion = Motion(agenda_item_id=template.agenda_item_id, title="Mozione grande", subject="other",
                        rationale="", secret=True, by_correspondence=False, status=MotionStatus.OPEN,
                        opened_at=template.opened_at, created_at=template.created_at)
        db.session.add(motion)
        db.session.flush()
        seen: set[str] = set()
        rows = []
        while len(rows) < ballots:
            code = new_receipt_code()
            if code not in seen:
                seen.add(code)
                rows.append({"id": uuid.uuid4(), "motion_id": motion.id, "choice": ("yes", "no", "abstain")[len(rows) % 3],
                             "receipt": code, "by_correspondence": False})
        for start in range(0, len(rows), 10_000):
            db.session.execute(sa.insert(SecretBallot.__table__), rows[start:start + 10_000])
        db.session.commit()
        db.session.execute(sa.text("ANALYZE secret_ballots"))
        db.session.commit()
        timings = []
        for _ in range(5):
            motion = queries.get_motion(motion.id)
            began = time.perf_counter()
            operations.voting.compute_result(motion)
            timings.append((time.perf_counter() - began) * 1000)
            db.session.rollback()
        motion = queries.get_motion(motion.id)
        began = time.perf_counter()
        operations.close_vote(motion, None)
        db.session.commit()
        close_ms = (time.perf_counter() - began) * 1000
        motion_id = motion.id
        from governance.auth.models import User
        from governance.auth.operations import issue_token
        user = db.session.scalars(sa.select(User).limit(1)).first()
        _token, raw = issue_token(user, "bench", 1)
        db.session.commit()
    client = app.test_client()
    client.get(f"/api/v1/motions/{motion_id}/result", headers={"Authorization": f"Bearer {raw}"})
    began = time.perf_counter()
    response = client.get(f"/api/v1/motions/{motion_id}/result", headers={"Authorization": f"Bearer {raw}"})
    http_ms = (time.perf_counter() - began) * 1000
    assert response.status_code == 200 and response.json["yes"] == (ballots + 2) // 3, response.json
    return statistics.median(timings), close_ms, http_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "VOTES_BENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/votes_bench"))
    parser.add_argument("--reference-url", default=os.environ.get(
        "VOTES_CALIB_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/votes_calib"))
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--result-ballots", type=int, default=100_000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    if args.connections < 16:
        print("the benchmark is defined for at least 16 concurrent clients", file=sys.stderr)
        return 2

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("GOVERNANCE_CONFIG", "development")
    from flask_migrate import upgrade
    from governance import create_app
    create_database(args.database_url)
    reset_schema(args.database_url)
    app = create_app("development", SQLALCHEMY_DATABASE_URI=args.database_url)
    with app.app_context():
        upgrade()
    print(f"seeding {args.members} members with tokens, an assembly in session, {MOTIONS} open motions ...", flush=True)
    tokens, motion_ids = seed(app, args.members)

    print("reference (../shared/bench) ...", flush=True)
    reference = reference_run(args.reference_url, args, 200_000)
    print(f"  {reference['ballots']} ballots, p99 {reference['p99_ms']:.1f} ms, non-2xx {reference['errors']}")
    with tempfile.TemporaryDirectory() as workdir:
        print("real endpoint (POST /api/v1/motions/{id}/ballots) ...", flush=True)
        real = real_run(args.database_url, args, tokens, motion_ids, Path(workdir))
    print(f"  {real['ballots']} ballots, p99 {real['p99_ms']:.1f} ms, non-2xx {real['errors']}")
    if real["errors"]:
        print(real["raw"], file=sys.stderr)

    print(f"result of a motion with {args.result_ballots} ballots ...", flush=True)
    result_ms, close_ms, http_ms = result_timing(app, args.database_url, args.result_ballots)
    print(f"  count + rule {result_ms:.0f} ms (median of 5); closing with digest and rewrite {close_ms:.0f} ms; "
          f"GET result once closed {http_ms:.1f} ms")

    real_rate = real["ballots"] / args.duration
    reference_rate = reference["ballots"] / args.duration
    ratio = real_rate / reference_rate if reference_rate else float("nan")
    print(f"ballots/s real={real_rate:.0f} reference={reference_rate:.0f} ratio={ratio:.2f} "
          f"p99_ms={real['p99_ms']:.0f} result_ms={result_ms:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
