"""Targeted mutation testing: widen a permission, delete a guard, move a bound, and see
whether a test fails. A report, run by hand (`make mutation`), never by `make test`.

    python tests/mutation/mutate.py [--ops permission,guard] [--files GLOB ...]
                                    [--jobs 2] [--sample N --seed S] [--max N] [--list]

How it runs (README.md next to this file): mutants are applied to per-worker copies of
the tree in a temporary directory, never to the working tree; a coverage run (cached in
instance/mutation/) tells which tests execute each line; each mutant runs only those
tests, fastest first, with -x and a timeout.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import inspect
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from points import OPERATORS, Mutant, Options, View, find_points, resolve_import  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CACHE_VERSION = "2"
STATUSES = ("killed", "survived", "timeout", "error", "not covered")
PYTEST = ["-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
          "--no-header", "--tb=line", "-rfE"]
FAILED_LINE = re.compile(r"^(FAILED|ERROR) (\S+)", re.M)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def target_files(patterns: list[str]) -> list[str]:
    found = set()
    for pattern in patterns:
        for path in ROOT.glob(pattern):
            rel = path.relative_to(ROOT)
            if path.suffix == ".py" and "migrations" not in rel.parts and rel.parts[0] != "tests":
                found.add(str(rel))
    return sorted(found)


# --- worker copies --------------------------------------------------------------------

def tree_files() -> list[str]:
    """What a worker needs: every tracked or new (not ignored) file, and the compiled
    catalogues (.mo are build output, ignored by git, needed by the i18n tests)."""
    files = set(git("ls-files", "-co", "--exclude-standard").splitlines())
    files |= {str(p.relative_to(ROOT)) for p in (ROOT / "translations").glob("*/LC_MESSAGES/*.mo")}
    return sorted(f for f in files if (ROOT / f).is_file())


def make_copies(count: int) -> list[Path]:
    if not list((ROOT / "translations").glob("*/LC_MESSAGES/*.mo")):
        print("warning: no compiled catalogues; run `make translations` first", file=sys.stderr)
    copies = []
    files = tree_files()
    for _ in range(count):
        copy = Path(tempfile.mkdtemp(prefix="mutation-worker-"))
        for rel in files:
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, copy / rel)
        (copy / "instance").mkdir(exist_ok=True)
        copies.append(copy)
    return copies


def worker_env(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TEST_DATABASE_URL"] = f"sqlite:///{copy / 'instance' / 'test.db'}"
    # Never reuse bytecode: a mutant of the same size written in the same second as
    # the original would otherwise run the original's cached .pyc.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("COVERAGE_PROCESS_START", None)
    return env


RUNNING: set[subprocess.Popen] = set()
STOP = threading.Event()


def run(cmd: list[str], cwd: Path, timeout: float | None) -> tuple[int | None, str, float]:
    """(return code or None on timeout, output, seconds); the whole process group dies."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=worker_env(cwd), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    RUNNING.add(proc)
    try:
        output, _ = proc.communicate(timeout=timeout)
        return proc.returncode, output, time.monotonic() - started
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        return None, output, time.monotonic() - started
    finally:
        RUNNING.discard(proc)
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


# --- coverage map: which tests execute each line ----------------------------------------

def coverage_shard(data_file: str, report_file: str, pytest_args: list[str]) -> int:
    """Runs inside a worker copy: pytest under coverage, one context per test node id
    (switch_context is global, so the live server thread of browser tests counts too),
    and the views each test requests, allowed or not (a denied request never runs the
    view's body, yet it is the test a widened permission must fail)."""
    import coverage
    import flask
    import pytest

    cov = coverage.Coverage(data_file=data_file, source=["governance"], config_file=False)
    durations, failed, routes, current = Counter(), set(), defaultdict(set), [""]

    def requested(app, **extra):
        view = app.view_functions.get(flask.request.endpoint)
        if view is not None and current[0]:
            code = inspect.unwrap(view).__code__
            routes[f"{os.path.relpath(code.co_filename)}:{code.co_firstlineno}"].add(current[0])

    flask.request_started.connect(requested, weak=False)

    class Contexts:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_protocol(self, item, nextitem):
            cov.switch_context(item.nodeid)
            current[0] = item.nodeid
            yield
            cov.switch_context("")
            current[0] = ""

        def pytest_runtest_logreport(self, report):
            durations[report.nodeid] += report.duration
            if report.failed:
                failed.add(report.nodeid)

    cov.start()
    try:
        code = pytest.main(["-q", "-p", "no:randomly", "--no-header", *pytest_args], plugins=[Contexts()])
    finally:
        cov.stop()
        cov.save()
    Path(report_file).write_text(json.dumps({"durations": durations, "failed": sorted(failed),
                                             "routes": {r: sorted(t) for r, t in routes.items()}}))
    return int(code)


class CoverageMap:
    def __init__(self, tests: list[str], durations: list[float], lines: dict[str, dict[str, list[int]]],
                 routes: dict[str, list[int]]):
        self.tests, self.durations, self.lines, self.routes = tests, durations, lines, routes

    def tests_for(self, path: str, first: int | None = None, last: int | None = None) -> set[int]:
        found = set()
        for line, ids in self.lines.get(path, {}).items():
            if first is None or first <= int(line) <= last:
                found.update(ids)
        return found

    def tests_under(self, prefixes: list[str]) -> set[int]:
        return {i for i, t in enumerate(self.tests) if t.startswith(tuple(prefixes))}


# What the coverage map depends on: the code and the tests, not this tool or the docs.
MAP_PATHS = [".", ":(exclude)tests/mutation", ":(exclude)*.md", ":(exclude)Makefile",
             ":(exclude)requirements*.txt"]


def cache_key(pytest_args: list[str]) -> str:
    """The committed/staged blobs of those paths + the unstaged diff + new files: the
    working tree's content, so a commit of the same code keeps the cache."""
    digest = hashlib.sha256(f"{CACHE_VERSION} {pytest_args}".encode())
    digest.update(git("ls-files", "-s", "--", *MAP_PATHS).encode())
    digest.update(subprocess.run(["git", "diff", "--binary", "--", *MAP_PATHS],
                                 cwd=ROOT, capture_output=True, check=True).stdout)
    for rel in git("ls-files", "-o", "--exclude-standard", "--", *MAP_PATHS).splitlines():
        digest.update(rel.encode() + (ROOT / rel).read_bytes())
    return digest.hexdigest()[:16]


def build_coverage_map(copies: list[Path], pytest_args: list[str], out: Path) -> CoverageMap:
    import coverage

    key = cache_key(pytest_args)
    cached = out / f"coverage-{key}.json"
    if cached.exists():
        print(f"coverage map: cached {cached.relative_to(ROOT)}")
        return CoverageMap(**json.loads(cached.read_text()))
    # One shard per worker: the test files, biggest first, to the lightest shard.
    shards: list[list[str]] = [[] for _ in copies]
    sizes = [0] * len(copies)
    for path in sorted(ROOT.glob("tests/**/test_*.py"), key=lambda p: -p.stat().st_size):
        if "mutation" in path.relative_to(ROOT).parts:
            continue
        i = sizes.index(min(sizes))
        shards[i].append(str(path.relative_to(ROOT)))
        sizes[i] += path.stat().st_size
    print(f"coverage map: running the suite under coverage in {len(copies)} shard(s)...", flush=True)
    started = time.monotonic()
    with ThreadPoolExecutor(len(copies)) as pool:
        results = list(pool.map(lambda cs: run(
            [sys.executable, __file__, "_coverage", str(cs[0] / ".mutation-coverage"),
             str(cs[0] / ".mutation-tests.json"), "--", *pytest_args, *cs[1]], cs[0], None), zip(copies, shards)))
    tests, durations, lines, failed = [], [], defaultdict(lambda: defaultdict(set)), set()
    routes = defaultdict(set)
    for copy, (code, output, _) in zip(copies, results):
        if code not in (0, 1, 5):
            raise RuntimeError(f"coverage run failed (exit {code}):\n{output[-3000:]}")
        report = json.loads((copy / ".mutation-tests.json").read_text())
        failed.update(report["failed"])
        index = {}
        for nodeid, seconds in report["durations"].items():
            if nodeid in failed:
                continue
            index[nodeid] = len(tests)
            tests.append(nodeid)
            durations.append(round(seconds, 3))
        for route, nodeids in report["routes"].items():
            routes[route].update(index[n] for n in nodeids if n in index)
        data = coverage.CoverageData(basename=str(copy / ".mutation-coverage"))
        data.read()
        for measured in data.measured_files():
            rel = str(Path(measured).relative_to(copy))
            for line, contexts in data.contexts_by_lineno(measured).items():
                lines[rel][str(line)].update(index[c] for c in contexts if c in index)
    if failed:
        print(f"warning: {len(failed)} test(s) fail without any mutant and are not used: "
              + ", ".join(sorted(failed)[:5]), file=sys.stderr)
    result = CoverageMap(tests, durations, {p: {ln: sorted(ids) for ln, ids in ls.items() if ids}
                                            for p, ls in lines.items()},
                         {r: sorted(ids) for r, ids in routes.items()})
    out.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(vars(result)))
    print(f"coverage map: {len(tests)} tests in {time.monotonic() - started:.0f} s, "
          f"saved to {cached.relative_to(ROOT)}")
    return result


# --- test selection ---------------------------------------------------------------------

class Selector:
    def __init__(self, cmap: CoverageMap, views: list[View], permission_tests: list[str]):
        self.cmap, self.views = cmap, views
        self.permission_tests = cmap.tests_under(permission_tests)
        self.importers: dict[str, set[str]] = defaultdict(set)
        for path in ROOT.glob("governance/**/*.py"):
            rel = str(path.relative_to(ROOT))
            for node in ast.walk(ast.parse(path.read_bytes())):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    for imported in resolve_import(ROOT, rel, node):
                        self.importers[imported].add(rel)

    def view_tests(self, route: str, path: str, body: tuple[int, int]) -> set[int]:
        return set(self.cmap.routes.get(route, ())) | self.cmap.tests_for(path, *body) | self.permission_tests

    def __call__(self, m: Mutant) -> set[int]:
        """Which tests can see this mutant. Code that runs at import (decorators, the
        statute table, module constants) is mapped through what runs later."""
        if m.scope == "view":   # tests requesting the view or running its body; route tables
            return self.view_tests(m.key, m.path, m.cover)
        if m.scope == "grant":  # the same for every view naming this permission
            ids = set(self.permission_tests)
            for view in self.views:
                if any(n.rpartition(".")[2] == m.key for n in view.names):
                    ids |= self.view_tests(view.route, view.route.rpartition(":")[0], view.body)
            return ids
        if m.scope == "module":  # tests running this file, or a file importing it
            ids = self.cmap.tests_for(m.path)
            for importer in self.importers[m.path]:
                ids |= self.cmap.tests_for(importer)
            return ids
        return self.cmap.tests_for(m.path, *m.cover)


# --- running mutants --------------------------------------------------------------------

def run_mutant(m: Mutant, original: bytes, tests: set[int], cmap: CoverageMap, copies: queue.Queue,
               args) -> dict:
    """`original`: the file as read when the points were found (the copies were made
    then too; the working tree may change meanwhile, it is never read again)."""
    result = {"tests": len(tests), "seconds": 0.0, "killed_by": None}
    if not tests:
        return {**result, "status": "not covered"}
    mutated = m.apply(original)
    try:
        compile(mutated, m.path, "exec")
    except SyntaxError as exc:
        return {**result, "status": "error", "output": f"the mutant does not compile: {exc}"}
    ordered = sorted(tests, key=lambda i: (cmap.durations[i], cmap.tests[i]))
    baseline = args.startup + sum(cmap.durations[i] for i in ordered)
    timeout = max(args.min_timeout, args.timeout_factor * baseline)
    copy = copies.get()
    target = copy / m.path
    if target.read_bytes() != original:
        copies.put(copy)
        return {**result, "status": "error", "output": "the file changed while the points were found"}
    try:
        target.write_bytes(mutated)
        code, output, seconds = run([sys.executable, *PYTEST, *[cmap.tests[i] for i in ordered]],
                                    copy, timeout)
    finally:
        target.write_bytes(original)   # always: the copy serves the next mutant
        copies.put(copy)
    status = {None: "timeout", 0: "survived", 1: "killed"}.get(code, "error")
    failed = FAILED_LINE.search(output)
    result.update(seconds=round(seconds, 1), status=status, exit_code=code,
                  killed_by=failed.group(2) if failed and status == "killed" else None)
    if status in ("error", "timeout"):
        result["output"] = output[-2000:]
    return result


def measure_startup(cmap: CoverageMap, copy: Path) -> float:
    """What one pytest run costs before its tests (imports, migrations): part of the
    baseline time a mutant's timeout is a multiple of."""
    fastest = min(range(len(cmap.tests)), key=cmap.durations.__getitem__)
    code, output, seconds = run([sys.executable, *PYTEST, cmap.tests[fastest]], copy, None)
    if code != 0:
        raise RuntimeError(f"the unmutated tree fails {cmap.tests[fastest]}:\n{output[-2000:]}")
    print(f"pytest start-up: {seconds:.1f} s")
    return seconds


def summarise(results: list[dict]) -> str:
    rows = Counter((r["path"], r["operator"], r["status"]) for r in results)
    keys = sorted({(p, o) for p, o, _ in rows})
    width = max([len(p) for p, _ in keys] + [4])
    lines = [f"{'file':<{width}}  {'operator':<10} " + " ".join(f"{s:>11}" for s in STATUSES)]
    for path, op in keys:
        lines.append(f"{path:<{width}}  {op:<10} " + " ".join(f"{rows[path, op, s]:>11}" for s in STATUSES))
    totals = Counter(r["status"] for r in results)
    lines.append(f"{'total':<{width}}  {'':<10} " + " ".join(f"{totals[s]:>11}" for s in STATUSES))
    for title, statuses in (("Survivors", ("survived", "not covered")),
                            ("Timeouts and errors (see the report's output)", ("timeout", "error"))):
        chosen = [r for r in results if r["status"] in statuses]
        if chosen:
            lines.append(f"\n{title} ({len(chosen)}):")
            lines += [f"{r['path']}:{r['line']}:{r['col']} {r['operator']}: {r['original']} -> {r['mutated']}"
                      + ("" if r["status"] in ("survived",) else f"  [{r['status']}]") for r in chosen]
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", nargs="+", default=["governance/**/*.py"], metavar="GLOB")
    parser.add_argument("--ops", default=",".join(OPERATORS), help=f"comma list of {', '.join(OPERATORS)}")
    parser.add_argument("--list", action="store_true", help="only list the mutation points")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--match", help="only mutants whose listed line contains this text")
    parser.add_argument("--max", type=int, help="run only the first N mutants")
    parser.add_argument("--sample", type=int, help="run N mutants chosen at random")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--grant-tables", default="GRANTS", help="comma list of module-level dict names")
    parser.add_argument("--guard-calls", default=",".join(Options.guard_calls))
    parser.add_argument("--permission-tests", default="tests/core/",
                        help="node-id prefixes run for every permission/grant mutant")
    parser.add_argument("--timeout-factor", type=float, default=10.0)
    parser.add_argument("--min-timeout", type=float, default=30.0)
    parser.add_argument("--pytest-args", default="", help="extra arguments of the coverage run")
    parser.add_argument("--report", default="instance/mutation/report.json")
    parser.add_argument("--force", action="store_true", help="run even if target files are modified")
    parser.add_argument("--fail-on-survivor", action="store_true")
    args = parser.parse_args(argv)
    unknown = set(args.ops.split(",")) - set(OPERATORS)
    if unknown:
        parser.error(f"unknown operator(s): {', '.join(sorted(unknown))}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    files = target_files(args.files)
    options = Options(ops=tuple(args.ops.split(",")), grant_tables=tuple(args.grant_tables.split(",")),
                      guard_calls=tuple(args.guard_calls.split(",")))
    sources = {rel: (ROOT / rel).read_bytes() for rel in files}
    mutants, views = find_points(ROOT, files, options)
    if args.match:
        mutants = [m for m in mutants if args.match in describe(m)]
    skipped = [m for m in mutants if m.skip_reason]
    mutants = [m for m in mutants if not m.skip_reason]
    if args.list:
        for m in mutants + skipped:
            note = f"  [skip: {m.skip_reason}]" if m.skip_reason else ""
            print(describe(m) + note)
        print(f"{len(mutants)} mutants in {len(files)} files ({len(skipped)} skipped): "
              + ", ".join(f"{k} {v}" for k, v in sorted(Counter(m.operator for m in mutants).items())))
        return 0
    modified = git("status", "--porcelain", "--", *files) if files else ""
    if modified and not args.force:
        print(f"refusing to start: target files are modified (--force to run anyway):\n{modified}",
              file=sys.stderr)
        return 2
    if args.sample is not None:
        mutants = sorted(random.Random(args.seed).sample(mutants, min(args.sample, len(mutants))),
                         key=lambda m: (m.path, m.line, m.col))
    if args.max is not None:
        mutants = mutants[:args.max]
    print(f"{len(mutants)} mutants in {len(files)} files ({len(skipped)} skipped by a comment)")
    started = time.monotonic()
    copies = make_copies(max(1, args.jobs))
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    results, pool = [], None
    try:
        cmap = build_coverage_map(copies, args.pytest_args.split(), ROOT / "instance" / "mutation")
        select = Selector(cmap, views, args.permission_tests.split(","))
        args.startup = measure_startup(cmap, copies[0])
        free = queue.Queue()
        for copy in copies:
            free.put(copy)
        pool = ThreadPoolExecutor(len(copies))
        futures = {pool.submit(_guarded, m, sources[m.path], select(m), cmap, free, args): m for m in mutants}
        for n, future in enumerate(as_completed(futures), 1):
            m, outcome = futures[future], future.result()
            results.append({**{k: v for k, v in vars(m).items() if k not in ("edits", "skip_reason")},
                            **outcome})
            print(f"[{n}/{len(mutants)}] {outcome['status']:<11} {m.where} {m.operator}: "
                  f"{m.original} -> {m.mutated} ({outcome['tests']} tests, {outcome['seconds']} s)",
                  flush=True)
    except KeyboardInterrupt:
        print("interrupted: partial report", file=sys.stderr)
    finally:
        STOP.set()
        for proc in list(RUNNING):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)   # each worker restores its copy
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for copy in copies:
            shutil.rmtree(copy, ignore_errors=True)
    results.sort(key=lambda r: (r["path"], r["line"], r["col"], r["operator"]))
    elapsed = time.monotonic() - started
    print("\n" + summarise(results) + f"\n\n{len(results)} mutants in {elapsed:.0f} s")
    report = ROOT / args.report
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps({
        "head": git("rev-parse", "HEAD").strip(), "args": vars(args), "seconds": round(elapsed),
        "totals": Counter(r["status"] for r in results), "skipped": [
            {"where": m.where, "operator": m.operator, "mutated": m.mutated, "reason": m.skip_reason}
            for m in skipped], "mutants": results}, indent=1, default=list))
    print(f"report: {os.path.relpath(report)}")
    survived = any(r["status"] in ("survived", "not covered") for r in results)
    return 1 if args.fail_on_survivor and survived else 0


def describe(m: Mutant) -> str:
    return f"{m.where} {m.operator}: {m.original} -> {m.mutated}"


def _guarded(m, original, tests, cmap, free, args) -> dict:
    if STOP.is_set():
        return {"status": "error", "tests": len(tests), "seconds": 0.0, "output": "interrupted"}
    try:
        return run_mutant(m, original, tests, cmap, free, args)
    except Exception as exc:   # one broken mutant must not end the run
        return {"status": "error", "tests": len(tests), "seconds": 0.0, "output": repr(exc)}


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    if sys.argv[1:2] == ["_coverage"]:
        data_file, report_file, _, *pytest_args = sys.argv[2:]
        sys.exit(coverage_shard(data_file, report_file, pytest_args))
    try:
        sys.exit(main())
    except Exception as exc:   # a report, not a gate: only an internal error fails
        print(f"internal error: {exc!r}", file=sys.stderr)
        raise SystemExit(3)
