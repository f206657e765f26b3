"""One language: every page of every role, and every email, over the demo cooperative
in every state (tests/core/language_world.py adds what the demo lacks).

1. Pseudo-locale: every catalogue string is wrapped in ⟦ ⟧; any visible word outside
   the markers that is not data (names, addresses, emails: words stored in the
   database) was written in code, outside the catalogue, and fails the test.
2. Italian: no English word on any Italian page or email.

Both read one rendering, made once in the pseudo-locale (the demo, the states, the
emails, the crawl and the forms take ~40 s): the Italian text is that rendering with the
markers taken out, which is what the real catalogue writes (the markers only wrap it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance import demo
from governance.auth.models import User
from governance.core import clock, outbox
from governance.core.outbox import OutboxMessage
from governance.core.permissions import Role
from governance.extensions import db
from governance.lifecycle.models import Application, ApplicationStatus, WithdrawalRequest
from governance.loans.models import LoanAccount
from governance.members.models import Member, MemberStatus
from tests.core import language_world
from tests.core.access import ASSET_ENDPOINTS
from tests.core.clients import make_client
from tests.core.language import (CLOSE, DOCUMENT_ENDPOINTS, FILE_SUFFIXES, OPEN, UPLOADED_ENDPOINTS, URL, WORD,
                                 crawl, data_words, foreign_words, pdf_text, pseudo_locale, read_files)
from tests.visible import visible_parts

# English words that are never Italian (nor data of the demo): one is enough to fail.
ENGLISH = {
    "the", "and", "of", "to", "not", "allowed", "at", "most", "least", "from", "on", "by", "paid", "days",
    "day", "entries", "imported", "application", "applications", "board", "decision", "member", "members",
    "active", "status", "true", "false", "yes", "is", "are", "with", "without", "this", "that", "for",
    "your", "you", "shares", "amount", "accounts", "export", "change", "changes", "action",
    "system", "queued", "sent", "stored", "failed", "pending", "secretary", "auditor", "error", "page",
    "back", "home", "logout", "overdue", "left", "refused", "admitted", "withdrawal", "exclusion",
    "death", "lapse", "worker", "volunteer", "user", "users", "roles", "none", "loan", "loans", "rate",
    "balance", "interest", "deposit", "register", "entry", "search", "save", "cancel", "submit", "next",
    "previous", "name", "surname", "phone", "address", "category", "fixed", "law", "update",
    "notice", "share", "value", "values", "regulations", "repayment", "who", "when", "what", "changed",
    # assemblies, votes, loans
    "assembly", "assemblies", "vote", "votes", "voting", "voted", "motion", "motions", "ballot", "ballots",
    "proxy", "proxies", "minutes", "amendment", "amendments", "comment", "comments", "session", "receipt",
    "receipts", "secret", "open", "closed", "draft", "convened", "approved", "rejected", "statute", "statement",
    "withholding", "gross", "net", "year", "chair", "scrutineers", "call", "first", "second",
    "against", "abstain", "yes", "item", "agenda", "document", "documents", "upload", "download", "invitation",
    "invitations", "attendance", "present", "roll", "delegate", "delegator", "digest", "movement", "movements",
    "withdraw", "term", "free", "capital", "contract", "equity", "result", "outcome", "room",
}


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EMAIL_TEMPLATES = {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.glob("*/email/*.txt")}


@dataclass
class Rendering:
    """What people read, in the pseudo-locale: (where, text, words typed in the request)."""
    pages: list = field(default_factory=list)
    emails: list = field(default_factory=list)
    templates: set = field(default_factory=set)
    data: set = field(default_factory=set)
    page_count: int = 0
    csvs: list = field(default_factory=list)


_RENDERED: dict[str, Rendering] = {}


def _users():
    users = {}
    for email, roles, _name, _link in demo.LOGINS:
        users.setdefault(Role(roles[0]), db.session.scalar(sa.select(User).where(User.email == email)))
    users[Role.MEMBER] = db.session.scalar(sa.select(User).where(User.email == "socio@demo.coop"))
    for user in users.values():
        user.locale = "it"
    db.session.flush()
    return users


def _base_params(users) -> dict:
    return {"number": users[Role.MEMBER].member.number,
            "application_id": db.session.scalar(sa.select(Application.id).order_by(Application.id)),
            "request_id": db.session.scalar(sa.select(WithdrawalRequest.id).order_by(WithdrawalRequest.id)),
            "account_id": db.session.scalar(sa.select(LoanAccount.id).order_by(LoanAccount.id)),
            "user_id": users[Role.MEMBER].id,
            "message_id": db.session.scalar(sa.select(OutboxMessage.id).order_by(OutboxMessage.id)),
            "token": "not-a-valid-token"}


def _audit_urls() -> list[tuple[str, set]]:
    """The audit log of each action written, so every kind of entry (its fields and
    values in words) is read, not only the latest fifty."""
    from governance.core.audit import AuditEntry
    return [(f"/admin/audit?action={code}", {"admin"}) for code in db.session.scalars(
        sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action))]


def _emails() -> list[tuple[str, str]]:
    """Every queued email, those written at send time (convocations, invitations) rendered
    as the outbox worker does, one of each assembly or kind; the calendar file's text too."""
    out, seen = [], set()
    for message in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)):
        if not message.body:
            kind = message.topic.rsplit(":", 1)[0] if message.topic else ""
            if kind in seen:
                continue
            seen.add(kind)
            outbox.render_if_deferred(message)
        text = f"{message.subject}\n{message.body}"
        for attachment in message.attachments:
            if attachment.content_type == "text/calendar":
                unfolded = attachment.data.decode().replace("\r\n ", "").splitlines()  # RFC 5545 folding
                text += "\n" + "\n".join(line.split(":", 1)[1] for line in unfolded
                                         if line.startswith(("SUMMARY", "LOCATION", "DESCRIPTION")))
            elif attachment.content_type == "application/pdf":
                text += "\n" + pdf_text(attachment.data)
        out.append((f"email {message.topic} {message.subject!r}", text))
    return out


def _posts(app, users, ids) -> list[tuple[str, str, set]]:
    """Pages answering a POST: re-rendered with errors (422), the confirmations of
    decisions that cannot be undone, and the page a successful POST leads to with its
    message, as Italian users meet them."""
    out = []
    today = clock.today()
    iso = today.isoformat()
    waiting = db.session.scalar(sa.select(Application.id).where(
        Application.status == ApplicationStatus.SUBMITTED).order_by(Application.id))
    active = db.session.scalar(sa.select(Member.number).where(Member.status == MemberStatus.ACTIVE)
                               .order_by(Member.number))
    a, m = ids["assemblies"], ids["motions"]
    own_account = ids["own_account"]
    later, after = ((today + timedelta(days=n)).isoformat() for n in (40, 41))
    applicants = [db.session.scalar(sa.select(Application.email).where(Application.status == status)
                                    .order_by(Application.id))
                  for status in (ApplicationStatus.SUBMITTED, ApplicationStatus.APPEAL_REJECTED)]
    posts = [
        # the applicant's own pages: waiting, then refused with the assembly's decision on the appeal
        *[("anonymous", "/application/login", {"email": email, "password": demo.DEMO_PASSWORD})
          for email in applicants if email],
        ("anonymous", "/application/login", {"email": applicants[0] or "x@example.org", "password": "sbagliata"}),
        (Role.BOARD, f"/board/applications/{waiting}/decision", {"outcome": "admitted", "decided_on": iso}),
        (Role.BOARD, f"/board/applications/{waiting}/decision", {"outcome": "rejected", "decided_on": iso,
                                                                 "reasons": "Requisiti mancanti."}),
        (Role.BOARD, f"/members/{active}/exit", {"exit-kind": "exclusion", "exit-date": iso,
                                                 "exit-reasons": "Morosità."}),
        (Role.BOARD, f"/members/{active}/exit", {"exit-kind": "lapse", "exit-date": iso}),
        (Role.ADMIN, "/statute/parameters/max_proxies_per_delegate", {"value": "11",
                                                                     "effective_from": "2027-01-01"}),
        (Role.ADMIN, "/statute/parameters/share_value", {"value": "24,999", "effective_from": "2027-01-01"}),
        (Role.ADMIN, "/statute/parameters/ordinary_first_call_quorum", {"value": "0,5,1",
                                                                       "effective_from": "2027-01-01"}),
        (Role.BOARD, "/members/new", {"first_name": "Mario"}),
        ("anonymous", "/apply", {"category": "worker"}),
        (Role.MEMBER, "/me/withdrawal", {"reason": "Trasferimento altrove. " * 300}),
        # assemblies: forms refused, then done
        (Role.BOARD, "/assemblies/new", {"kind": "ordinary", "title": "", "first_call_at": "domani"}),
        (Role.BOARD, "/assemblies/new", {"kind": "ordinary", "title": "Assemblea straordinaria dei soci",
                                         "first_call_at": f"{iso}T18:00", "second_call_at": f"{iso}T19:00"}),
        (Role.BOARD, f"/assemblies/{a['draft']}/items", {"title": ""}),
        (Role.BOARD, "/assemblies/invitations", {"numbers": "uno, due"}),
        (Role.SECRETARY, f"/assemblies/{a['convened']}/open", {"call": "first"}),
        (Role.SECRETARY, f"/assemblies/{a['convened']}/proxies", {"delegator": "999999", "delegate": "1"}),
        (Role.SECRETARY, f"/assemblies/{a['in_session']}/check-in", {"member": "999999"}),
        (Role.SECRETARY, f"/assemblies/{a['closed']}/minutes/edit", {"text": ""}),
        (Role.BOARD, f"/assemblies/{a['draft']}/publish", {}),
        (Role.BOARD, "/assemblies/new", {"kind": "ordinary", "title": "Assemblea straordinaria dei soci",
                                         "first_call_at": f"{later}T18:00",
                                         "second_call_at": f"{after}T19:00",
                                         "place": "Sala del consiglio, via Roma 12, Melegnano (MI)"}),
        (Role.BOARD, f"/assemblies/{a['convened']}/receipts/resend", {}),
        (Role.MEMBER, f"/assemblies/{a['convened']}/receipt", {}),
        (Role.SECRETARY, f"/assemblies/{a['in_session']}/check-in", {"member": str(active)}),
        # votes
        (Role.BOARD, f"/votes/items/{ids['draft_item']}/motions/new", {"title": "", "subject": ""}),
        (Role.BOARD, f"/votes/items/{ids['convened_item']}/motions/new", {
            "title": "Scelta della sede", "subject": "mission", "by_correspondence": "1"}),
        (Role.MEMBER, f"/motions/{m['secret_open']}/ballots", {"choice": "forse"}),
        (Role.MEMBER, f"/motions/{m['correspondence']}/amendments", {"proposed_text": ""}),
        (Role.MEMBER, f"/motions/{m['correspondence']}/comments", {"body": ""}),
        (Role.SECRETARY, f"/motions/{m['open_ballot']}/room-vote", {"against": "uno"}),
        (Role.SECRETARY, f"/motions/{m['statute']}/open", {}),
        (Role.MEMBER, f"/motions/{m['secret_open']}/ballots", {"choice": "yes"}),
        (Role.SECRETARY, f"/motions/{m['open_ballot']}/room-vote", {"against": "", "abstaining": ""}),
        (Role.SECRETARY, f"/motions/{m['open_ballot']}/close", {}),
        # loans
        (Role.SECRETARY, "/loans/new", {"member": "999999", "product": "free", "opened_on": iso, "iban": "IT00"}),
        (Role.SECRETARY, f"/loans/{own_account}/movements", {"kind": "withdrawal", "amount": "99999999",
                                                              "value_date": iso, "requested_on": iso}),
        (Role.SECRETARY, f"/loans/{own_account}/reversal", {"movement_id": "0", "reason": ""}),
        (Role.BOARD, "/loans/regulation/rates", {"product": "free", "rate": "tanto", "effective_from": ""}),
        (Role.BOARD, "/loans/regulation/equity", {"amount": "", "guaranteed_share": "", "accounts_approved_on": ""}),
        (Role.SECRETARY, "/loans/year-end", {"year": "1800"}),
        (Role.SECRETARY, f"/loans/{own_account}/movements", {"kind": "deposit", "amount": "100,00",
                                                              "value_date": iso}),
        (Role.BOARD, "/loans/regulation/rates", {"product": "free", "rate": "2,25",
                                                 "effective_from": f"{today.year + 1}-01-01"}),
        (Role.ADMIN, "/statute/parameters/max_proxies_per_delegate", {"value": "3", "effective_from": "2027-01-01",
                                                                     "note": "Delibera dell'assemblea"}),
    ]
    posts.append((Role.BOARD, "/members/lifecycle", None))  # a GET that redirects with a message
    for role, url, data in posts:
        client = make_client(app)
        if role != "anonymous":
            with client.session_transaction() as session:
                session["_user_id"] = users[role].get_id()
                session["_fresh"] = True
        method = "GET" if data is None else "POST"
        response = client.open(url, method=method, data=data or {}, follow_redirects=True)
        typed = {w.lower() for value in (data or {}).values() for w in WORD.findall(str(value))}
        where = f"{role} {method} {url} -> {response.status_code} {response.request.path}"
        out.append((where, "\n".join(visible_parts(response.get_data(as_text=True), keep_untranslated=False)),
                    typed))
    return out


def _render(app) -> Rendering:
    """The demo in every state, every email, every page of every role and the answers to
    the forms, in the pseudo-locale; once for both tests."""
    if "it" in _RENDERED:
        return _RENDERED["it"]
    rendering = Rendering()
    app.config["DEFAULT_LANGUAGE"] = "it"
    original = app.jinja_env.get_template

    def get_template(name, *args, **kwargs):
        rendering.templates.add(name)
        return original(name, *args, **kwargs)

    try:
        with pytest.MonkeyPatch.context() as patch:
            pseudo_locale(patch)
            patch.setattr(app.jinja_env, "get_template", get_template)
            demo.seed_demo(if_empty=True, echo=lambda line: None)
            users = _users()
            states = language_world.build(users)
            states.variants += language_world.every_kind_of_email(users)
            rendering.emails = [(where, text, set()) for where, text in _emails()]
            rendering.data = data_words() | {w.lower() for t in language_world.TYPED for w in WORD.findall(t)}
            variants = [_base_params(users), *states.variants]
            clients = {"anonymous": make_client(app), **{role: make_client(app) for role in users}}
            pages = crawl(app, clients, users, variants, extra_urls=[
                "/admin/outbox?status=queued", "/members?status=excluded", "/members?shares=due",
                "/members/999999", "/admin/audit?action=member.correct",
                "/board/applications?show=decided", "/board/withdrawals?show=decided", "/board/appeals?show=decided",
                "/statute/parameters/notice_days", "/statute/parameters/proxies_allowed",
                "/statute/parameters/share_value", "/statute/parameters/votes_per_member", *states.extra_urls,
                *_audit_urls()])
            pages += read_files(app, clients, users, variants, extra_urls=[
                ("member", f"/loans/{states.ids['own_account']}/statement.pdf?year={clock.today().year - 1}")])
            rendering.page_count = len(pages)
            # CSVs are a file format (codes, or the fixed Italian words of the Excel form):
            # read for the category names only.
            rendering.csvs = [(f"{p.role} GET {p.url}", p.parts[0]) for p in read_files(
                app, clients, users, variants, suffix=".csv",
                extra_urls=[("board", "/members/export.csv?format=csv"),
                            ("board", "/reports/membership.csv?format=csv"),
                            ("board", "/reports/membership.csv?part=counts")])]
            rendering.pages = [(f"{p.role} GET {p.url} ({p.status})", "\n".join(p.parts), set()) for p in pages]
            rendering.pages += _posts(app, users, states.ids)
    finally:
        app.config["DEFAULT_LANGUAGE"] = "en"
    _RENDERED["it"] = rendering
    return rendering


@pytest.fixture
def rendering(app, today) -> Rendering:
    return _render(app)


def test_pseudo_locale_every_page_and_email(rendering):
    problems = []
    for where, text, typed in rendering.pages + rendering.emails:
        words = foreign_words(text, rendering.data | typed)
        if words:
            problems.append(f"{where}: {sorted(set(words))[:8]}")
    assert not problems, "text outside the catalogue:\n" + "\n".join(problems)


def test_no_english_word_on_italian_pages_and_emails(rendering):
    problems = []
    for where, text, typed in rendering.pages + rendering.emails:
        italian = URL.sub(" ", text.replace(OPEN, " ").replace(CLOSE, " "))
        english = {w for w in WORD.findall(italian) if w.lower() in ENGLISH and w.lower() not in rendering.data}
        if english:
            problems.append(f"{where}: {sorted(english)}")
    assert not problems, "English on Italian pages:\n" + "\n".join(problems)


def test_each_member_category_has_one_italian_name_everywhere(rendering):
    """Pages, PDFs, emails and CSVs name the member categories as Category.label (or
    the register file's words) do: no second name (tests/members/test_category_words.py)."""
    from governance.members.importing import ITALIAN_CATEGORIES
    from tests.members.test_category_words import SECOND_NAMES
    problems = [f"{where}: {match.group(0)!r}" for where, text, _typed in rendering.pages + rendering.emails
                for match in SECOND_NAMES.finditer(text.replace(OPEN, "").replace(CLOSE, ""))]
    register_words = set(ITALIAN_CATEGORIES.values())
    for where, text in rendering.csvs:
        problems += [f"{where}: {match.group(0)!r}" for match in SECOND_NAMES.finditer(text)]
        if "/members/export.csv" in where and "format=csv" not in where:
            lines = [line.split(";") for line in text.lstrip("\ufeff").splitlines()]
            column = lines[0].index("categoria")
            problems += [f"{where}: {row[column]!r}" for row in lines[1:] if row[column] not in register_words]
    assert len(rendering.csvs) >= 5
    assert not problems, "a second name for a member category:\n" + "\n".join(problems)


# Page routes that only redirect (their message is read after the redirect).
REDIRECTING = {"lifecycle.member_lookup", "votes.statute_texts"}


def test_every_email_template_and_page_is_rendered(app, rendering):
    """The tests above read every email the platform can write (each template under
    templates/*/email/) and every page, each at least once as it is when it works (200)."""
    assert EMAIL_TEMPLATES - rendering.templates == set(), "emails never written by the language tests"
    adapter = app.url_map.bind("localhost")
    read = {adapter.match(where.split(" ")[2].split("?")[0])[0]
            for where, _text, _typed in rendering.pages[:rendering.page_count] if where.endswith("(200)")}
    pages = {rule.endpoint for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.rule.startswith("/api/") and not rule.rule.endswith(FILE_SUFFIXES)
             and rule.endpoint not in ASSET_ENDPOINTS | DOCUMENT_ENDPOINTS | UPLOADED_ENDPOINTS | REDIRECTING
             and rule.endpoint != "core.healthz"}
    assert sorted(pages - read) == [], "pages never read working (give the crawl an object in that state)"
