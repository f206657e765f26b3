"""Mutation points, found with `ast`: where a permission can be widened, a guard deleted
or a bound moved. Pure analysis: nothing here writes a file or runs a test.

A Mutant is a list of byte-range edits of one source file (ast positions: lineno,
col_offset in UTF-8 bytes), so the rest of the file keeps its formatting and, where the
replaced text spans lines, its line numbers (see `_keep_lines`).
"""
from __future__ import annotations

import ast
import fnmatch
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

OPERATORS = ("permission", "grant", "guard", "compare", "constant", "boolop")
ROLES = ("ADMIN", "BOARD", "SECRETARY", "AUDITOR", "MEMBER")
SKIP_MARK = re.compile(rb"#\s*mutation:\s*skip\b\s*(?:\((?P<reason>[^)]*)\))?")
UPPER_NAME = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
COMPARE_FLIPS = {ast.Lt: "<=", ast.LtE: "<", ast.Gt: ">=", ast.GtE: ">", ast.Eq: "!=",
                 ast.NotEq: "==", ast.In: "not in", ast.NotIn: "in", ast.Is: "is not",
                 ast.IsNot: "is"}
COMPARE_TOKEN = re.compile(rb"<=|>=|==|!=|<|>|\bnot\s+in\b|\bin\b|\bis\s+not\b|\bis\b")
BOOL_TOKEN = re.compile(rb"\b(and|or)\b")
COMMENT = re.compile(rb"#[^\n]*")
# Calls whose arguments only shape what is shown or logged, never a decision.
MESSAGE_CALLS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "pgettext", "print"}
LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}


@dataclass
class Options:
    ops: tuple[str, ...] = OPERATORS
    rules_files: tuple[str, ...] = ("governance/*/rules.py", "governance/statute/parameters.py")
    grant_tables: tuple[str, ...] = ("GRANTS",)
    permission_decorators: tuple[str, ...] = ("permission",)
    # A guard is an `if` whose body raises, or calls one of these (a dotted entry such as
    # problems.add matches x.problems.add but not db.session.add).
    guard_calls: tuple[str, ...] = ("fail", "refuse", "abort", "problem", "problems.add",
                                    "errors.add")
    # Statement-level calls that only check (assert-like): deleting them is a guard deletion.
    check_calls: str = r"check|require_\w+|ensure_\w+|_?check_\w+|raise_if_any"
    roles: tuple[str, ...] = ROLES


@dataclass
class Mutant:
    path: str                 # relative to the repository root
    line: int
    col: int
    operator: str
    original: str             # for people: the expression before ...
    mutated: str              # ... and after
    edits: list[tuple[int, int, str]]    # (start byte, end byte, new text)
    cover: tuple[int, int]    # lines whose tests are selected (see mutate.select_tests)
    scope: str = "line"       # line | view | grant | module
    key: str = ""             # view: its route (see View); grant: the permission name
    skip_reason: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def apply(self, source: bytes) -> bytes:
        return apply_edits(source, self.edits)


def apply_edits(source: bytes, edits) -> bytes:
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text.encode() + source[end:]
    return source


@dataclass
class View:
    """A function under a permission decorator: the tests that request it (route: its
    file and first decorator line, as in the code object) or run its body."""
    route: str
    names: set[str]
    body: tuple[int, int]


def dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Call):
        return dotted(node.func)
    return ""


def name_matches(name: str, entries) -> bool:
    return any(name == e or name.endswith("." + e) for e in entries)


def _keep_lines(text: str, original: bytes) -> str:
    """A replacement expression that spans as many lines as the original did."""
    newlines = original.count(b"\n")
    return f"({text}{chr(10) * newlines})" if newlines else text


def _short(text: str, limit: int = 90) -> str:
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", " ".join(text.split())))
    return text if len(text) <= limit else text[:limit - 3] + "..."


def resolve_import(root: Path, rel: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """Files (relative to root) that an import statement of file `rel` reads."""
    if isinstance(node, ast.Import):
        modules = [(a.name.split("."), []) for a in node.names]
    else:
        package = Path(rel).parent.parts
        base = list(package[:len(package) - node.level + 1]) if node.level else []
        modules = [(base + (node.module.split(".") if node.module else []),
                    [a.name for a in node.names])]
    found = []
    for parts, names in modules:
        candidates = [Path(*parts, n + ".py") for n in names] + [Path(*parts, n, "__init__.py") for n in names]
        if parts:
            candidates += [Path(*parts).with_suffix(".py"), Path(*parts, "__init__.py")]
        found += [str(c) for c in candidates if (root / c).is_file()]
    return found


class Finder:
    def __init__(self, root: Path, rel: str, options: Options):
        self.root, self.rel, self.opt = root, rel, options
        self.src = (root / rel).read_bytes()
        self.tree = ast.parse(self.src, filename=rel)
        self.line_start = [0]
        for line in self.src.splitlines(keepends=True):
            self.line_start.append(self.line_start[-1] + len(line))
        self.parent = {child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)}
        self.marks = {i + 1: (m.group("reason") or b"no reason given").decode()
                      for i, line in enumerate(self.src.splitlines())
                      if (m := SKIP_MARK.search(line))}
        self.is_rules = any(fnmatch.fnmatch(rel, g) for g in options.rules_files)
        self.decimal_names = self._aliases("Decimal")
        self.fraction_names = self._aliases("Fraction")
        self.module_names = self._module_names()
        self.check_calls = re.compile(rf"^(?:{options.check_calls})$")
        self.mutants: list[Mutant] = []
        self.views: list[View] = []

    # --- positions and context ------------------------------------------------------
    def start(self, node) -> int:
        return self.line_start[node.lineno - 1] + node.col_offset

    def end(self, node) -> int:
        return self.line_start[node.end_lineno - 1] + node.end_col_offset

    def text(self, node) -> bytes:
        return self.src[self.start(node):self.end(node)]

    def ancestors(self, node):
        while node in self.parent:
            yield self.parent[node], node
            node = self.parent[node]

    def statement(self, node) -> ast.stmt:
        return next(anc for anc, _ in self.ancestors(node) if isinstance(anc, ast.stmt)) \
            if not isinstance(node, ast.stmt) else node

    def at_module_level(self, node) -> bool:
        return not any(isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                       for a, _ in self.ancestors(node))

    def silent(self, node) -> bool:
        """Inside an f-string, a docstring, a log or message call, or the argument of
        Decimal.quantize (only its exponent counts: moving the digits is equivalent)."""
        for anc, child in self.ancestors(node):
            if isinstance(anc, ast.JoinedStr):
                return True
            if isinstance(anc, ast.Expr) and isinstance(anc.value, ast.Constant):
                return True
            if isinstance(anc, ast.Call) and child is not anc.func:
                name = dotted(anc.func)
                base, _, last = name.rpartition(".")
                if last in MESSAGE_CALLS or last == "quantize":
                    return True
                if last in LOG_METHODS and "log" in base.rpartition(".")[2].lower():
                    return True
        return False

    def stops(self, statements) -> bool:
        """Does this block raise or report a problem (a guard's body)?"""
        for s in statements:
            if isinstance(s, ast.Raise):
                return True
            value = s.value if isinstance(s, (ast.Expr, ast.Return)) else None
            if isinstance(value, ast.Call) and name_matches(dotted(value.func), self.opt.guard_calls):
                return True
        return False

    def guard_of(self, node):
        """The guard (if/assert) whose condition contains node, else None."""
        for anc, child in self.ancestors(node):
            if isinstance(anc, ast.stmt):
                if isinstance(anc, ast.If) and child is anc.test and (
                        self.stops(anc.body) or self.stops(anc.orelse)):
                    return anc
                if isinstance(anc, ast.Assert) and child is anc.test:
                    return anc
                return None
        return None

    def is_bound(self, node) -> bool:
        """Constants moved: all of a rules file; elsewhere the numbers a guard compares
        with (not the members of a literal list: `status in (401, 403)` is no bound) and
        module constants such as PASSWORD_MIN_LENGTH = 10."""
        if self.silent(node):
            return False
        if self.is_rules:
            return True
        if self.guard_of(node) is not None:
            return not any(isinstance(a, (ast.Tuple, ast.List, ast.Set, ast.Dict))
                           for a in self.ancestors_to_statement(node))
        stmt = self.statement(node)
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        return (self.parent.get(stmt) is self.tree
                and (value is node or (isinstance(value, ast.UnaryOp) and value.operand is node))
                and all(isinstance(t, ast.Name) and UPPER_NAME.match(t.id) for t in targets))

    def ancestors_to_statement(self, node):
        for anc, _ in self.ancestors(node):
            if isinstance(anc, ast.stmt):
                return
            yield anc

    def _aliases(self, name: str) -> set[str]:
        names = {name}
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom):
                names |= {a.asname for a in node.names if a.name == name and a.asname}
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in names:
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        return names

    def _module_names(self) -> set[str]:
        names = set()
        for node in self.tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.FunctionDef, ast.ClassDef)):
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", node)]
                names |= {getattr(t, "id", getattr(t, "name", "")) for t in targets}
        return names

    # --- making mutants ---------------------------------------------------------------
    def add(self, operator, node, edits, *, display=None, scope=None, cover=None, key="",
            extra_lines=()) -> None:
        ds, de = self.start(display or node), self.end(display or node)
        before = after = ""
        if operator == "constant":   # a number alone says little: show it in its line
            line_start, line_end = self.line_start[node.lineno - 1], self.line_start[node.lineno] - 1
            ds, de = max(line_start, ds - 30), min(line_end, de + 30)
            before = "..." if ds > line_start else ""
            after = "..." if de < line_end else ""
        elif operator == "permission":
            before = "@"
        inside = [e for e in edits if ds <= e[0] and e[1] <= de]
        original = self.src[ds:de]
        mutated = apply_edits(original, [(s - ds, e - ds, t) for s, e, t in inside])
        stmt = self.statement(node)
        if scope is None:
            scope = "module" if self.at_module_level(node) else "line"
        reason = next((self.marks[ln] for ln in (node.lineno, *extra_lines) if ln in self.marks), None)
        shown = [before + _short(text.decode(errors="ignore").strip()) + after for text in (original, mutated)]
        self.mutants.append(Mutant(self.rel, node.lineno, node.col_offset, operator, *shown, edits,
                                          cover or (stmt.lineno, node.end_lineno), scope, key, reason))

    def find(self) -> tuple[list[Mutant], list[View]]:
        ops = self.opt.ops
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.permission_points(node, "permission" in ops)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and "grant" in ops:
                self.grant_points(node)
            elif isinstance(node, (ast.If, ast.Assert, ast.Expr)) and "guard" in ops:
                self.guard_points(node)
            elif isinstance(node, ast.Compare) and "compare" in ops and self.in_scope(node):
                self.compare_points(node)
            elif isinstance(node, ast.BoolOp) and "boolop" in ops and self.in_scope(node):
                self.boolop_points(node)
            elif isinstance(node, ast.Constant) and "constant" in ops and self.is_bound(node):
                self.constant_points(node)
        self.mutants.sort(key=lambda m: (m.line, m.col, m.operator, m.mutated))
        return self.mutants, self.views

    def in_scope(self, node) -> bool:
        """compare, boolop, constant: rules files, and the conditions of guards."""
        return (self.is_rules or self.guard_of(node) is not None) and not self.silent(node)

    def swap(self, node, text: str) -> list[tuple[int, int, str]]:
        return [(self.start(node), self.end(node), _keep_lines(text, self.text(node)))]

    def token_between(self, left, right, pattern) -> tuple[int, int] | None:
        """Where the operator token between two operands is (comments blanked out)."""
        start = self.end(left)
        gap = COMMENT.sub(lambda m: b" " * len(m.group()), self.src[start:self.start(right)])
        token = pattern.search(gap)
        return (start + token.start(), start + token.end()) if token else None

    def guard_points(self, node) -> None:
        if isinstance(node, ast.If) and not isinstance(node.test, ast.Constant):
            where = {"cover": (node.lineno, node.test.end_lineno), "extra_lines": (node.lineno,)}
            if self.stops(node.body):
                self.add("guard", node.test, self.swap(node.test, "False"), **where)
            elif self.stops(node.orelse):
                self.add("guard", node.test, self.swap(node.test, "True"), **where)
        elif isinstance(node, ast.Assert):
            self.add("guard", node.test, self.swap(node.test, "True"), extra_lines=(node.lineno,))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
                self.check_calls.match(dotted(node.value.func).rpartition(".")[2]):
            self.add("guard", node.value, self.swap(node, "None"))

    def compare_points(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            if span := self.token_between(operands[i], operands[i + 1], COMPARE_TOKEN):
                self.add("compare", node, [(*span, COMPARE_FLIPS[type(op)])])

    def boolop_points(self, node: ast.BoolOp) -> None:
        flipped = "or" if isinstance(node.op, ast.And) else "and"
        spans = [self.token_between(a, b, BOOL_TOKEN) for a, b in zip(node.values, node.values[1:])]
        if spans and all(spans):
            self.add("boolop", node, [(*span, flipped) for span in spans])

    def constant_points(self, node: ast.Constant) -> None:
        parent = self.parent.get(node)
        span = (self.start(node), self.end(node))
        if type(node.value) is int:
            denominator = (isinstance(parent, ast.Call) and dotted(parent.func) in self.fraction_names
                           and len(parent.args) == 2 and parent.args[1] is node)
            for value in (node.value + 1, node.value - 1):
                if not (denominator and value == 0):
                    self.add("constant", node, [(*span, str(value))])
        elif (isinstance(node.value, str) and isinstance(parent, ast.Call) and parent.args == [node]
              and dotted(parent.func).rpartition(".")[2] in self.decimal_names | {"Decimal"}):
            try:
                number = Decimal(node.value.strip())
            except InvalidOperation:
                return
            if not number.is_finite():
                return
            unit = Decimal((0, (1,), min(number.as_tuple().exponent, 0)))
            for value in (number + unit, number - unit):
                self.add("constant", node, [(*span, f'"{value:f}"')], display=parent)

    def permission_points(self, fn, make_mutants: bool) -> None:
        for dec in fn.decorator_list:
            if not (isinstance(dec, ast.Call) and name_matches(dotted(dec.func), self.opt.permission_decorators)):
                continue
            body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            cover = (body[0].lineno if body else fn.lineno, fn.end_lineno)
            route = f"{self.rel}:{fn.decorator_list[0].lineno}"
            self.views.append(View(route, {dotted(a.value if isinstance(a, ast.Starred) else a)
                                           for a in dec.args}, cover))
            if make_mutants and dec.args:
                self.permission_mutants(dec, cover, route)

    def permission_mutants(self, dec: ast.Call, cover, route: str) -> None:
        prefix = dotted(dec.func).rpartition(".")[0]
        qualify = (lambda n: f"{prefix}.{n}") if prefix else (lambda n: n)
        listed, special = set(), set()
        for arg in dec.args:
            name = dotted(arg.value if isinstance(arg, ast.Starred) else arg)
            if isinstance(arg, ast.Starred):
                listed |= self.resolve_roles(name) or set()
            elif name.rpartition(".")[2] in ("PUBLIC", "AUTHENTICATED"):
                special.add(name.rpartition(".")[2])
            elif name.rpartition(".")[0].endswith("Role"):
                listed.add(name.rpartition(".")[2])
            else:   # a named permission (@permission(P.X)): its roles are in the grant table
                special.add("named")
        span = (self.start(dec.args[0]), self.end(dec.args[-1]))
        text = self.src[span[0]:span[1]].decode()
        widenings = [] if "PUBLIC" in special else [("PUBLIC", "PUBLIC")]
        if not special & {"PUBLIC", "AUTHENTICATED"}:
            widenings.append(("AUTHENTICATED", "AUTHENTICATED"))
        if not special:
            widenings += [("Role", f"{text}, {qualify('Role.' + r)}") for r in self.opt.roles if r not in listed]
        for needed, new in widenings:
            new = qualify(new) if new == needed else new
            edits = [(*span, new)] + ([] if prefix else self.import_edit(dec, needed))
            self.add("permission", dec, edits, scope="view", cover=cover, key=route)

    def import_edit(self, dec: ast.Call, name: str) -> list[tuple[int, int, str]]:
        """`; from <where the decorator comes from> import Role` after that import, on the
        same line: the mutant needs the name and the file keeps its line numbers."""
        if name in self.module_names:
            return []
        decorator = dotted(dec.func)
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == decorator for a in node.names):
                where = "." * node.level + (node.module or "")
                return [(self.end(node), self.end(node), f"; from {where} import {name}")]
        return []

    def resolve_roles(self, name: str, tree=None, rel=None, depth=0) -> set[str] | None:
        """Roles of a module-level tuple such as REGISTER_READERS, here or where imported from."""
        tree, rel = tree or self.tree, rel or self.rel
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets) and \
                        isinstance(node.value, (ast.Tuple, ast.List, ast.Set)):
                    return {dotted(e).rpartition(".")[2] for e in node.value.elts}
            elif isinstance(node, ast.ImportFrom) and depth == 0 and \
                    any((a.asname or a.name) == name for a in node.names):
                for path in resolve_import(self.root, rel, node):
                    source = ast.parse((self.root / path).read_bytes())
                    if (found := self.resolve_roles(name, source, path, 1)) is not None:
                        return found
        return None

    def grant_points(self, node) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not (self.parent.get(node) is self.tree and isinstance(node.value, ast.Dict)
                and any(isinstance(t, ast.Name) and t.id in self.opt.grant_tables for t in targets)):
            return
        for key, value in zip(node.value.keys, node.value.values):
            container = value
            if isinstance(value, ast.Call) and dotted(value.func) in ("frozenset", "set", "tuple"):
                container = value.args[0] if len(value.args) == 1 else None
            if not isinstance(container, (ast.Set, ast.Tuple, ast.List)) and container is not None:
                continue
            elements = container.elts if container is not None else []
            present = {dotted(e).rpartition(".")[2] for e in elements}
            role_class = next((dotted(e).rpartition(".")[0] for e in elements), "Role")
            key_name = dotted(key) or (str(key.value) if isinstance(key, ast.Constant) else "")
            for role in self.opt.roles:
                if role in present:
                    continue
                new = f"{role_class}.{role}"
                if elements:   # {Role.A} -> {Role.A, Role.X}
                    edit = (self.end(elements[-1]), self.end(elements[-1]), ", " + new)
                elif container is None:   # set() -> {Role.X}
                    edit = (self.start(value), self.end(value), f"{dotted(value.func)}({{{new}}})")
                else:   # () or [] -> (Role.X,) or [Role.X]
                    brackets = "()" if isinstance(container, ast.Tuple) else "[]"
                    edit = (self.start(container), self.end(container), f"{brackets[0]}{new},{brackets[1]}")
                self.add("grant", value, [edit], scope="grant", key=key_name.rpartition(".")[2],
                         cover=(value.lineno, value.end_lineno))


def find_points(root: Path, files: list[str], options: Options) -> tuple[list[Mutant], list[View]]:
    mutants, views = [], []
    for rel in files:
        found = Finder(root, rel, options).find()
        mutants += found[0]
        views += found[1]
    return mutants, views
