"""Helpers of the language tests: a pseudo-locale (every catalogue string wrapped in
markers), a crawl of every page of every role over the demo cooperative, and the data
words (names, addresses, emails...) that may stand outside the markers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import flask_babel
import sqlalchemy as sa

from governance.extensions import db
from tests.core.access import ASSET_ENDPOINTS, url_for_rule
from tests.visible import visible_parts

# Signs no text uses, both in Latin-1 (the core PDF fonts' range), so the markers
# survive into PDFs too.
OPEN, CLOSE = "¤", "¦"
# The cooperative's own documents (statute, privacy notice): its text, not the interface.
DOCUMENT_ENDPOINTS = {"lifecycle.document"}
# Words that are the same in every language: names of languages in themselves, acronyms.
SAME_IN_EVERY_LANGUAGE = {"italiano", "english", "api", "iban", "pdf", "csv", "email", "e", "n", "c", "art",
                          "cc", "ue", "iva", "istat", "dpr", "l"}
_INNER = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


class PseudoTranslations:
    """The real catalogue, each string wrapped in ⟦ ⟧ (so what the code writes
    outside the catalogue stands out)."""

    def __init__(self, real):
        self.real = real

    def ugettext(self, s):
        return f"{OPEN}{self.real.ugettext(s)}{CLOSE}"

    def ungettext(self, s, p, n):
        return f"{OPEN}{self.real.ungettext(s, p, n)}{CLOSE}"

    def upgettext(self, c, s):
        return f"{OPEN}{self.real.upgettext(c, s)}{CLOSE}"

    def unpgettext(self, c, s, p, n):
        return f"{OPEN}{self.real.unpgettext(c, s, p, n)}{CLOSE}"

    gettext, ngettext, pgettext, npgettext = ugettext, ungettext, upgettext, unpgettext


def pseudo_locale(monkeypatch):
    original = flask_babel.Domain.get_translations
    monkeypatch.setattr(flask_babel.Domain, "get_translations",
                        lambda self: PseudoTranslations(original(self)))


URL = re.compile(r"https?://\S+")


def locale_words(locale: str = "it") -> set[str]:
    """Month and day names, written by Babel from the locale's data (CLDR) in a date:
    translated, though not by our catalogue."""
    from babel import Locale
    data = Locale.parse(locale)
    words = set()
    for names in (data.months, data.days):
        for context in names.values():
            for width in context.values():
                words.update(w.lower() for name in width.values() for w in WORD.findall(name))
    return words


def foreign_words(text: str, data: set[str]) -> list[str]:
    """The words of `text` outside the markers that are not data (nor links, nor the
    names of months and days)."""
    rest = URL.sub(" ", outside_markers(text))
    return [w for w in WORD.findall(rest)
            if w.lower() not in data and w.lower() not in SAME_IN_EVERY_LANGUAGE and w.lower() not in LOCALE_WORDS]


LOCALE_WORDS = locale_words("it")


def outside_markers(text: str) -> str:
    """The text with every marked (catalogue) part removed, nested ones included."""
    previous = None
    while previous != text:
        previous, text = text, _INNER.sub(" ", text)
    return text


# Codes and text the platform writes for itself: never data that people typed.
MACHINE_TABLES = {"audit_entries", "login_throttles", "api_tokens", "register_counters",
                  "assembly_convocations"}  # the letter written from the catalogue at publication
MACHINE_COLUMNS = {"status", "kind", "category", "locale", "product", "role", "action", "topic",
                   "exit_kind", "password_hash", "session_version", "access_version",
                   "outbox_messages.subject", "outbox_messages.body", "outbox_messages.last_error",
                   "statute_values.name", "statute_values.value", "content_type",
                   "assembly_minutes.text",  # drafted from the catalogue when the session closes
                   "motions.rule", "motions.reason", "motions.call", "assemblies.call", "statute_versions.document"}


def data_words() -> set[str]:
    """Every word stored in the database's text columns (names, addresses, emails,
    notes written by people), lower-cased: data, not interface."""
    words: set[str] = set()
    for table in db.metadata.sorted_tables:
        if table.name in MACHINE_TABLES:
            continue
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text))
                   and not isinstance(c.type, sa.Enum) and c.name not in MACHINE_COLUMNS
                   and f"{table.name}.{c.name}" not in MACHINE_COLUMNS]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for value in row:
                if isinstance(value, str):
                    words.update(w.lower() for w in WORD.findall(value))
    from flask import current_app
    words.update(w.lower() for w in WORD.findall(current_app.config["COOPERATIVE_NAME"]))
    return words


@dataclass
class Page:
    role: str
    url: str
    status: int
    parts: list[str] = field(default_factory=list)


# Answers that are files, not pages (their text is not HTML; PDFs are checked elsewhere).
FILE_SUFFIXES = (".pdf", ".csv", ".json", ".ics")


def _allowed_roles(rule) -> set[str] | None:
    """The roles the literal access table lets through this page (a denied role only sees
    the 403 page or the login page, checked once elsewhere); None: no row, every role."""
    from tests.core.test_access_table import ROLES, ROWS
    letters = ROWS.get(("GET", rule.rule))
    if letters is None:
        return None
    return {str(role) for role, letter in zip(ROLES, letters) if letter == "A"}


def page_urls(app, variants: list[dict], extra_urls=()) -> list[tuple[str, set[str] | None]]:
    """(url, roles) of every page route (not the API, files, assets), once for each
    distinct set of its arguments among `variants` (the demo's objects in each state)."""
    out, seen = [], set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in ASSET_ENDPOINTS or rule.rule.startswith("/api/") or "GET" not in rule.methods:
            continue
        if rule.endpoint in DOCUMENT_ENDPOINTS or rule.rule.endswith(FILE_SUFFIXES):
            continue
        own = [p for p in variants if "_only" in p and rule.endpoint.startswith(p["_only"])]
        for params in own or [p for p in variants if "_only" not in p]:
            url = url_for_rule(rule, params)
            if url not in seen:
                seen.add(url)
                out.append((url, _allowed_roles(rule)))
    for extra in extra_urls:  # a URL (every role) or (URL, the roles to read it as)
        url, roles = extra if isinstance(extra, tuple) else (extra, None)
        if url not in seen:
            seen.add(url)
            out.append((url, roles))
    return out


# Files people upload (a scan, a document) and the cooperative's own documents: not ours.
UPLOADED_ENDPOINTS = {"assemblies.signed_minutes", "assemblies.document", "assemblies.proxy_scan",
                      "admin.outbox_attachment", "lifecycle.document_pdf"}
# The role a PDF is read as: the first of these the access table lets in.
PDF_READERS = ("admin", "board", "secretary", "auditor", "member", "anonymous")


def pdf_text(data: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader
    return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)


def read_files(app, clients: dict, users: dict, variants: list[dict], extra_urls=(), suffix=".pdf") -> list[Page]:
    """Every PDF (or CSV) the platform writes (the register, letters, convocations, minutes,
    loan contracts and statements), once for each state, as one role allowed to read it."""
    pages, seen = [], set()
    rules = [r for r in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
             if r.rule.endswith(suffix) and r.endpoint not in UPLOADED_ENDPOINTS]
    wanted = []
    for rule in rules:
        roles = _allowed_roles(rule) or set(PDF_READERS)
        role = next(r for r in PDF_READERS if r in roles)
        own = [p for p in variants if "_only" in p and rule.endpoint.startswith(p["_only"])]
        for params in own or [p for p in variants if "_only" not in p]:
            url = url_for_rule(rule, params)
            if url not in seen:
                seen.add(url)
                wanted.append((role, url))
    wanted += list(extra_urls)
    by_role = {str(role): role for role in clients}
    for role_name, url in wanted:
        role = by_role[role_name]
        client = clients[role]
        if role != "anonymous":
            with client.session_transaction() as session:
                session["_user_id"] = users[role].get_id()
                session["_fresh"] = True
        response = client.get(url)
        if response.content_type == "application/pdf":
            pages.append(Page(role_name, url, response.status_code, [pdf_text(response.get_data())]))
        elif response.content_type.startswith("text/csv"):
            pages.append(Page(role_name, url, response.status_code, [response.get_data(as_text=True)]))
        response.close()
    return pages


def crawl(app, clients: dict, users: dict, variants: list[dict], extra_urls=()) -> list[Page]:
    """GET every page as each role the access table lets in; HTML answers only."""
    pages = []
    urls = page_urls(app, variants, extra_urls)
    for role, client in clients.items():
        for url, roles in urls:
            if roles is not None and str(role) not in roles:
                continue
            if role != "anonymous":
                with client.session_transaction() as session:
                    session["_user_id"] = users[role].get_id()
                    session["_fresh"] = True
            response = client.get(url)
            if 300 <= response.status_code < 400 or not response.content_type.startswith("text/html"):
                response.close()  # a streamed CSV ends its request context now, not inside a later one
                continue
            pages.append(Page(str(role), url, response.status_code,
                              visible_parts(response.get_data(as_text=True), keep_untranslated=False)))
    return pages
