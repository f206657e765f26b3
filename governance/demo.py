"""The demo cooperative (`flask --app wsgi seed-demo [--if-empty]`, API.md Bootstrap).

A believable register for Arti & Mestieri Sociali, a type-A social cooperative of the
south-east Milan area founded in 1994: about sixty members in every category, written
through the real register operations (validation, register numbers, history, audit),
plus one login per role. Exits go through the membership lifecycle's record_exit, so
they have their exit records too. Everything is deterministic for a given day: the random
generator is seeded with 1994 and every date is relative to `clock.today()`.

Social loans are seeded by demo_loans.py. Assemblies and a mission motion (API.md) will
join the demo when those domains exist; nothing here pretends they do.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable

import click
import sqlalchemy as sa
from flask_babel import force_locale
from stdnum import luhn
from stdnum.it import codicefiscale

from . import demo_assemblies, demo_loans
from .auth.models import User
from .auth.operations import create_user
from .core import clock
from .core.errors import DomainError
from .extensions import db
from .members import operations as register
from .members.models import Category, Member, MemberStatus
from .members.rules import withdrawal_effective_on
from .statute.queries import value_on

DEMO_PASSWORD = "demo-password-2026"
SEED = 1994
FOUNDED_ON = date(1994, 3, 21)
MEMBER_EMAIL_DOMAIN = "example.org"  # reserved (RFC 2606): demo emails never reach anyone

# (email, roles, full name or None for the linked member's, which member it is linked to)
LOGINS = (
    ("admin@demo.coop", ("admin",), "Amministratore della piattaforma", None),
    ("cda@demo.coop", ("board", "member"), None, "board"),
    ("segreteria@demo.coop", ("secretary",), "Segreteria soci", None),
    ("revisore@demo.coop", ("auditor",), "Revisore legale", None),
    ("socio@demo.coop", ("member",), None, "member"),
    ("nuovo@demo.coop", ("member",), None, "new"),
)

MALE_NAMES = (
    "Marco", "Luca", "Andrea", "Giuseppe", "Francesco", "Alessandro", "Matteo", "Davide",
    "Stefano", "Roberto", "Paolo", "Simone", "Lorenzo", "Giovanni", "Fabio", "Massimo",
    "Claudio", "Riccardo", "Emanuele", "Daniele", "Pietro", "Antonio", "Gabriele", "Enrico",
)
FEMALE_NAMES = (
    "Giulia", "Francesca", "Chiara", "Sara", "Laura", "Valentina", "Elena", "Silvia",
    "Federica", "Alessandra", "Paola", "Martina", "Anna", "Maria", "Roberta", "Cristina",
    "Monica", "Elisa", "Serena", "Barbara", "Lucia", "Daniela", "Marta", "Ilaria",
)
SURNAMES = (
    "Rossi", "Bianchi", "Colombo", "Ferrari", "Brambilla", "Galli", "Fumagalli", "Villa",
    "Sala", "Mariani", "Cattaneo", "Riva", "Crippa", "Longoni", "Mauri", "Bonfanti",
    "Pozzi", "Rota", "Vismara", "Oldani", "Marchetti", "Ghezzi", "Sironi", "Caprotti",
    "Perego", "Confalonieri", "Monti", "Barbieri", "Esposito", "Russo", "Greco", "Lombardi",
    "Ricci", "Moretti", "De Luca", "Gallo", "Conti", "Costa", "Fontana", "Santoro",
    "Rinaldi", "Caruso", "Ferri", "Mancini", "Vitale", "Pellegrini", "Bassi", "Zanetti",
)
# Where members live: town, postcode, streets (south-east Milan area).
TOWNS = (
    ("Melegnano", "20077", ("Via Emilia", "Via Giuseppe Dezza", "Piazza Risorgimento",
                            "Via Roma", "Via Cesare Battisti", "Viale della Repubblica")),
    ("San Donato Milanese", "20097", ("Via Emilia", "Via Libertà", "Via Martiri di Cefalonia",
                                      "Via Gramsci", "Via Morandi")),
    ("San Giuliano Milanese", "20098", ("Via Emilia", "Via Roma", "Via Trieste",
                                        "Via Risorgimento", "Via Cavour")),
    ("Peschiera Borromeo", "20068", ("Via XXV Aprile", "Via Matteotti", "Via della Liberazione",
                                     "Via Trento", "Via Giuseppe Di Vittorio")),
    ("Paullo", "20067", ("Via Mazzini", "Via Milano", "Via Manzoni", "Via Verdi")),
    ("Vizzolo Predabissi", "20070", ("Via Vittorio Veneto", "Via Verdi", "Via Emilia")),
    ("Cerro al Lambro", "20070", ("Via IV Novembre", "Via Roma", "Via Garibaldi")),
    ("Mediglia", "20076", ("Via Roma", "Via Dante Alighieri", "Via Grandi")),
    ("Dresano", "20070", ("Via Roma", "Via Manzoni", "Via Pascoli")),
)
# Birth towns and their cadastral (Belfiore) codes, the last part of a codice fiscale.
BIRTH_TOWNS = (
    ("F205", 30),  # Milano
    ("F100", 14),  # Melegnano
    ("H827", 6),   # San Donato Milanese
    ("H930", 5),   # San Giuliano Milanese
    ("G488", 3),   # Peschiera Borromeo
    ("G385", 2),   # Paullo
    ("E648", 5),   # Lodi
    ("F839", 3),   # Napoli
    ("A662", 2),   # Bari
    ("G273", 2),   # Palermo
    ("H501", 2),   # Roma
)
MONTHS = "ABCDEHLMPRST"

# Category mix of the people in the register (legal persons are added apart):
# workers the majority, volunteers well under the 50% cap of L. 381/1991 art. 2.
PEOPLE_MIX = (
    (Category.WORKER, 36),
    (Category.VOLUNTEER, 11),
    (Category.USER, 9),
    (Category.FINANCING, 2),
)
FOUNDERS = 7                           # workers admitted on the founding day
RECENT_ADMISSIONS_DAYS_AGO = (82, 61, 44, 31)   # inside the 90-day voting window

LEGAL_PERSONS = (
    # admitted on, name, legal representative, VAT number body (7 digits) and tax office
    # code (Milan's: 015 for older numbers, 096 for newer ones), address, email.
    # The parents' association joined early; the consortium when it was set up.
    (date(1999, 6, 14), "Associazione Genitori Insieme Melegnano APS", "Rita Oldani", "9142317", "015",
     "Via Cesare Battisti 14, 20077 Melegnano (MI)", "info@genitori-insieme.example.org"),
    (date(2011, 10, 3), "Consorzio Sud-Est Milano Servizi Sociali", "Gianluca Perego", "0841553", "096",
     "Via Emilia 27, 20097 San Donato Milanese (MI)", "segreteria@consorzio-sudest.example.org"),
)

EXITS = (
    # kind (API.md exit kinds), reasons as the board wrote them
    ("withdrawal", "trasferimento fuori regione per lavoro"),
    ("withdrawal", "pensionamento e trasferimento in Liguria"),
    ("withdrawal", "nuovo impiego presso un ente pubblico"),
    ("withdrawal", "motivi familiari"),
    ("death", "comunicato dai familiari"),
    ("death", None),
)


class DemoRefused(click.ClickException):
    """The database already holds data: the demo never writes over it."""


def make_tax_code(last: str, first: str, born: date, female: bool = False, town: str = "F205") -> str:
    """A valid codice fiscale: surname and name letters, birth date (+40 for women),
    birth town code, check character computed by python-stdnum. Also used by the tests'
    factories."""
    # Accented names (Niccolò) use the unaccented letter in the tax code.
    last, first = (unicodedata.normalize("NFKD", s) for s in (last, first))
    last, first = ("".join(c for c in s if not unicodedata.combining(c)) for s in (last, first))

    def consonants(s):
        return [c for c in s.upper() if c.isalpha() and c not in "AEIOU"]

    def vowels(s):
        return [c for c in s.upper() if c in "AEIOU"]

    def part(s, first_name=False):
        cons = consonants(s)
        if first_name and len(cons) >= 4:
            cons = [cons[0], cons[2], cons[3]]
        return "".join((cons + vowels(s) + ["X", "X", "X"])[:3])

    day = born.day + (40 if female else 0)
    body = f"{part(last)}{part(first, True)}{born.year % 100:02d}{MONTHS[born.month - 1]}{day:02d}{town}"
    return body + codicefiscale.calc_check_digit(body)


def make_vat_number(body7: str, office: str) -> str:
    """A valid partita IVA: 7-digit company number, 3-digit office code, Luhn digit."""
    body = body7 + office
    return body + luhn.calc_check_digit(body)


@dataclass(frozen=True)
class _PlannedExit:
    kind: str            # withdrawal | death
    reasons: str | None
    requested_on: date   # withdrawal: the member's request; death: the day
    decided_on: date     # withdrawal: the board's decision; death: the day
    effective_on: date   # withdrawal: close of the financial year (art. 2532 c.c.)


@dataclass
class _Person:
    category: Category
    admitted_on: date
    first_name: str
    last_name: str
    female: bool
    birth_date: date
    birth_town: str
    role: str | None = None  # "board", "member", "new": which login links to it
    exit: _PlannedExit | None = None


def seed_demo(if_empty: bool, echo: Callable[[str], None]) -> None:
    """Create the demo cooperative in one transaction, or (if_empty) print its logins
    when the database already has data. Refuses to touch a database with data."""
    members = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    if members or users:
        if not if_empty:
            raise DemoRefused(
                f"The database already has data ({members} member(s), {users} user(s)); "
                "the demo is only seeded into an empty database and never overwrites anything. "
                "Use --if-empty to just print the demo logins, or point DATABASE_URL at a new database.")
        _print_existing_logins(echo)
        return

    try:
        # The operations' texts (history notes, emails, messages) in the cooperative's
        # language; outside a request the app's locale selector has no session to read.
        with force_locale("it"):
            created = _seed()
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    _print_summary(echo, created)


def _seed() -> list[Member]:
    rng = random.Random(SEED)
    today = clock.today()
    admin = create_user(LOGINS[0][0], DEMO_PASSWORD, LOGINS[0][1], full_name=LOGINS[0][2])
    people = _plan_people(rng, today)

    # Register numbers in admission order (the register is kept in that order).
    entries = sorted([("person", p.admitted_on, p) for p in people] +
                     [("legal", spec[0], spec) for spec in LEGAL_PERSONS],
                     key=lambda e: (e[1], 0 if e[0] == "person" else 1))
    created: list[Member] = []
    by_role: dict[str, Member] = {}
    exits: list[tuple[Member, _PlannedExit]] = []
    for kind, admitted_on, spec in entries:
        data = _person_data(rng, spec) if kind == "person" else _legal_data(rng, spec)
        data["admitted_on"] = admitted_on
        data["shares_paid_amount"] = _paid_amount(rng, data["shares"], value_on("share_value", admitted_on),
                                                  admitted_on, today)
        clean, errors = register.validate_entry(data)
        if errors:  # the demo data must pass the same checks as anyone's
            raise DomainError("validation", f"demo entry {data['last_name']}: {errors}")
        member = register.register_member(clean, admin, note="Demo: voce storica del libro soci.")
        created.append(member)
        if kind == "person" and spec.role:
            by_role[spec.role] = member
        if kind == "person" and spec.exit:
            exits.append((member, spec.exit))

    for member, planned in exits:
        _record_exit(member, planned, admin)

    for email, roles, full_name, link in LOGINS[1:]:
        member = by_role.get(link) if link else None
        create_user(email, DEMO_PASSWORD, roles, full_name=full_name or member.full_name,
                    member=member, actor=admin)
    _pending_work(created, admin, today)
    demo_loans.seed(today, admin, created)
    demo_assemblies.seed(today, admin)
    db.session.flush()
    return created


# Applications waiting for the board: one overdue, one due soon, one just arrived
# (name, surname, female, birth date, category, shares, days ago).
PENDING_APPLICATIONS = (
    ("Chiara", "Galli", True, date(1991, 6, 12), "worker", 2, 64),
    ("Matteo", "Colombo", False, date(1987, 2, 3), "volunteer", 1, 45),
    ("Federica", "Sala", True, date(1996, 10, 25), "worker", 4, 3),
)


def _pending_work(members: list[Member], actor, today: date) -> None:
    """What the board finds on its desk: applications to decide (with the real
    submission dates, so the countdown and the overdue marking show) and a member's
    withdrawal request."""
    from .lifecycle import operations as lifecycle
    for first, last, female, born, category, shares, days_ago in PENDING_APPLICATIONS:
        with clock.frozen(today - timedelta(days=days_ago)):
            lifecycle.submit_application({
                "first_name": first, "last_name": last,
                "tax_code": make_tax_code(last, first, born, female=female, town="F100"),
                "birth_date": born.isoformat(), "category": category, "shares": shares,
                "email": f"{_slug(first)}.{_slug(last)}@example.org",
                "phone": "+39 02 9800 1234", "address": "Via Vittorio Veneto 8, 20077 Melegnano (MI)",
                "password": DEMO_PASSWORD, "accepts_statute": True, "accepts_privacy": True})
    leaving = next(m for m in members if m.status == MemberStatus.ACTIVE and m.number > 30
                   and m.category == Category.WORKER)
    lifecycle.request_withdrawal(leaving, {"requested_on": (today - timedelta(days=12)).isoformat()}, actor)


def _plan_people(rng: random.Random, today: date) -> list[_Person]:
    """Who is in the register and when they joined: founders on the founding day, the
    rest spread from 1994 to a few months ago, and a few in the last 90 days."""
    categories = [c for c, n in PEOPLE_MIX for _ in range(n)]
    # Founders are workers; the others are shuffled, except that the recent admissions
    # (and so the new member's login) are a worker, a user, a volunteer and a worker.
    others = categories[FOUNDERS:]
    rng.shuffle(others)
    recent_categories = [Category.WORKER, Category.USER, Category.VOLUNTEER, Category.WORKER]
    for category in recent_categories:
        others.remove(category)
    # Spread from the first autumn to four months ago, more of them in later years as
    # the cooperative grew (u**0.75 leans towards the present).
    first_day, latest_historic = date(1994, 9, 1), today - timedelta(days=120)
    span = (latest_historic - first_day).days
    historic_dates = sorted(first_day + timedelta(days=int(rng.random() ** 0.75 * span))
                            for _ in others)

    plan = [(Category.WORKER, FOUNDED_ON)] * FOUNDERS
    plan += list(zip(others, historic_dates))
    plan += [(c, today - timedelta(days=d)) for c, d in zip(recent_categories, RECENT_ADMISSIONS_DAYS_AGO)]

    used_names: set[tuple[str, str]] = set()
    people = []
    for category, admitted_on in plan:
        female = rng.random() < 0.62  # social care work in Italy is mostly women's work
        while True:
            first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
            last = rng.choice(SURNAMES)
            if (first, last) not in used_names:
                used_names.add((first, last))
                break
        # Age at admission, kept so that nobody still active is implausibly old today
        # (workers retire by about 67).
        min_age, max_age, oldest_today = {Category.USER: (30, 75, 88), Category.VOLUNTEER: (22, 70, 82),
                                          Category.FINANCING: (40, 70, 85)}.get(category, (21, 55, 66))
        max_age = max(min_age, min(max_age, oldest_today - (today.year - admitted_on.year)))
        age = rng.randint(min_age, max_age)
        birth = date(admitted_on.year - age, rng.randint(1, 12), rng.randint(1, 28))
        if birth > admitted_on - timedelta(days=18 * 366):
            birth = date(admitted_on.year - 19, birth.month, birth.day)
        town = rng.choices([t for t, _ in BIRTH_TOWNS], weights=[w for _, w in BIRTH_TOWNS])[0]
        people.append(_Person(category, admitted_on, first, last, female, birth, town))

    # The board member: the longest-standing founder. The ordinary member: a worker
    # admitted years ago. The new member: the most recent admission.
    people[0].role = "board"
    seasoned = [p for p in people if p.category == Category.WORKER
                and date(2005, 1, 1) <= p.admitted_on <= today - timedelta(days=365 * 3)]
    seasoned[0].role = "member"
    people[-1].role = "new"

    # A few have left: withdrawals take effect at the close of the financial year
    # (art. 2532 c.c.); deaths on the day.
    candidates = [p for p in people if p.role is None and p.category != Category.FINANCING
                  and p.admitted_on < today - timedelta(days=365 * 4)]
    for person, (kind, reasons) in zip(rng.sample(candidates, len(EXITS)), EXITS):
        # Requested at least two years after joining, and (for a withdrawal, which takes
        # effect up to 15 months later) in effect by last month.
        earliest = person.admitted_on + timedelta(days=700)
        latest = today - timedelta(days=30 + (460 if kind == "withdrawal" else 0))
        requested = earliest + timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
        exit_on = withdrawal_effective_on(requested) if kind == "withdrawal" else requested  # mutual end
        # The board decides a withdrawal within 60 days (art. 2532 c.c.).
        decided_on = min(requested + timedelta(days=rng.randint(12, 55)), today - timedelta(days=1))
        person.exit = _PlannedExit(kind, reasons, requested, decided_on if kind == "withdrawal" else exit_on,
                                   exit_on)
    return people


def _slug(text: str) -> str:
    table = str.maketrans({" ": "", "'": "", "à": "a", "è": "e", "é": "e", "ì": "i", "ò": "o", "ù": "u"})
    return text.lower().translate(table)


def _address(rng: random.Random) -> str:
    town, postcode, streets = rng.choice(TOWNS)
    return f"{rng.choice(streets)} {rng.randint(1, 120)}, {postcode} {town} (MI)"


def _phone(rng: random.Random) -> str:
    return f"+39 3{rng.choice('2345679')}{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _person_data(rng: random.Random, p: _Person) -> dict:
    shares = {Category.FINANCING: rng.choice((20, 30, 40)),
              Category.WORKER: rng.choice((1, 2, 4, 4, 8, 10, 12, 20)),
              Category.VOLUNTEER: 1,
              Category.USER: rng.choice((1, 1, 2))}[p.category]
    # Early members often have no email on file; phones are missing now and then.
    has_email = p.admitted_on.year >= 2002 or rng.random() < 0.5
    return {
        "first_name": p.first_name,
        "last_name": p.last_name,
        "tax_code": make_tax_code(p.last_name, p.first_name, p.birth_date, p.female, p.birth_town),
        "birth_date": p.birth_date,
        "address": _address(rng),
        "email": f"{_slug(p.first_name)}.{_slug(p.last_name)}@{MEMBER_EMAIL_DOMAIN}" if has_email else None,
        "phone": _phone(rng) if rng.random() < 0.85 else None,
        "category": p.category.value,
        "shares": shares,
    }


def _legal_data(rng: random.Random, spec: tuple) -> dict:
    _admitted_on, name, representative, body7, office, address, email = spec
    return {
        "first_name": "",
        "last_name": name,
        "tax_code": make_vat_number(body7, office),
        "legal_representative": representative,
        "birth_date": None,
        "address": address,
        "email": email,
        "phone": f"+39 02 9{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "category": Category.LEGAL_PERSON.value,
        "shares": 40,
    }


def _paid_amount(rng: random.Random, shares: int, share_value: Decimal, admitted_on: date,
                 today: date) -> Decimal:
    """Shares are paid in full, except that recent members (and a few others) pay in
    instalments: art. 2525 c.c. lets the statute defer part of the payment."""
    subscribed = Decimal(shares) * share_value
    recent = admitted_on > today - timedelta(days=365)
    if shares > 1 and (recent or rng.random() < 0.1):
        return (subscribed / 2).quantize(Decimal("0.01")) if shares % 2 == 0 else share_value
    return subscribed


def _record_exit(member: Member, planned: _PlannedExit, actor) -> None:
    """A historic exit (DOMAIN.md §3.4, §3.6), through the lifecycle's record_exit (API.md
    `POST /members/{number}/exit`), with its exit record."""
    from .lifecycle import operations as lifecycle
    data = {"kind": planned.kind, "date": planned.decided_on, "reasons": planned.reasons}
    if planned.kind == "withdrawal":  # accepted and notified on paper on the day of the decision
        data["requested_on"] = planned.requested_on
        data["notice_on"] = planned.decided_on
    lifecycle.record_exit(member, data, actor)


def _login_rows() -> list[tuple[str, str, str]]:
    rows = []
    for email, _roles, _name, _link in LOGINS:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            continue
        roles = ", ".join(sorted(r.role.value for r in user.roles))
        member = f"n. {user.member.number} {user.member.full_name}" if user.member else ""
        rows.append((email, roles, member))
    return rows


def _echo_table(echo, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    echo("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
    echo(line)
    for row in rows:
        echo("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())


def _print_logins(echo, rows) -> None:
    _echo_table(echo, [(e, r, DEMO_PASSWORD, m) for e, r, m in rows],
                ("login", "roles", "password", "linked member"))


def _print_existing_logins(echo) -> None:
    rows = _login_rows()
    if not rows:
        echo("The database already has data and no demo logins: nothing was changed.")
        return
    echo("The database already has data: nothing was changed. Demo logins "
         "(the password is the demo's unless someone changed it):")
    _print_logins(echo, rows)


def _print_summary(echo, created: list[Member]) -> None:
    active = [m for m in created if m.status == MemberStatus.ACTIVE]
    echo(f"Demo cooperative created: {len(created)} register entries "
         f"({len(active)} active, {len(created) - len(active)} exited), "
         f"numbers 1-{max(m.number for m in created)}.")
    names = {Category.WORKER: "worker", Category.VOLUNTEER: "volunteer", Category.USER: "user",
             Category.FINANCING: "financing", Category.LEGAL_PERSON: "legal person"}
    echo("Active by category: " + ", ".join(
        f"{names[c]} {sum(1 for m in active if m.category == c)}" for c in Category))
    echo("Social loans: a dozen accounts with two years of movements and capitalised interest. "
         "Assemblies: one convened two weeks ahead (agenda, a document, two proxies, half the receipts "
         "confirmed) and one held last spring with signed minutes. Votes: last spring's assembly approved "
         "version 2 of the mission by a room vote; the coming one has a mission motion with amendments, "
         "comments and ballots by correspondence.")
    echo("")
    _print_logins(echo, _login_rows())
