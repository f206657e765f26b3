"""The demo cooperative (`flask seed-demo`): a believable, valid register and one login
per role, written once and never over existing data."""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from stdnum.it import codicefiscale, iva

from governance import demo
from governance.auth.models import User
from governance.auth.operations import authenticate
from governance.core import clock
from governance.core.audit import AuditEntry
from governance.core.errors import DomainError
from governance.extensions import db
from governance.lifecycle.models import MemberExit
from governance.members.models import Category, ExitKind, Member, MemberHistory, MemberStatus

SENIORITY = timedelta(days=90)  # art. 2538 c.c., the statute default the demo leaves alone


def _seed() -> list[str]:
    lines: list[str] = []
    demo.seed_demo(if_empty=True, echo=lines.append)
    return lines


def _counts(session) -> tuple[int, ...]:
    return tuple(session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Member, MemberHistory, User, AuditEntry))


def test_demo_register_is_believable_and_valid(_db, today):
    lines = _seed()
    members = _db.scalars(sa.select(Member).order_by(Member.number)).all()
    active = [m for m in members if m.status == MemberStatus.ACTIVE]

    assert 55 <= len(members) <= 70
    assert {m.category for m in members} == set(Category)
    by_category = {c: sum(1 for m in active if m.category == c) for c in Category}
    assert by_category[Category.WORKER] > len(active) / 2
    assert by_category[Category.VOLUNTEER] * 100 < 50 * len(active)   # L. 381/1991 art. 2
    assert by_category[Category.LEGAL_PERSON] == 2
    assert 2 <= by_category[Category.FINANCING] <= 3

    for m in members:
        if m.category == Category.LEGAL_PERSON:
            assert iva.is_valid(m.tax_code), m.tax_code
            assert m.legal_representative and m.birth_date is None
        else:
            assert codicefiscale.is_valid(m.tax_code), m.tax_code
            assert codicefiscale.get_birth_date(m.tax_code) == m.birth_date
            assert (m.admitted_on - m.birth_date).days >= 18 * 365
        assert 1 <= m.shares_subscribed <= 40
        assert isinstance(m.shares_paid_amount, Decimal)
        assert Decimal(0) < m.shares_paid_amount <= m.shares_subscribed * Decimal("25.00")
    assert len({m.tax_code for m in members}) == len(members)

    # Numbers 1..N in admission order, from the founding year to last month.
    assert [m.number for m in members] == list(range(1, len(members) + 1))
    assert [m.admitted_on for m in members] == sorted(m.admitted_on for m in members)
    assert members[0].admitted_on.year == 1994
    assert today - timedelta(days=62) <= members[-1].admitted_on < today
    recent = [m for m in active if m.admitted_on > today - SENIORITY]
    assert len(recent) >= 3                       # not yet entitled to vote

    _assert_exits(_db, members, today)

    # Written through the register's operations: every entry has its history and audit.
    history = _db.scalars(sa.select(MemberHistory.member_id).distinct()).all()
    assert set(history) == {m.id for m in members}
    assert _db.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                      .where(AuditEntry.action == "member.create")) == len(members)

    assert any("admin@demo.coop" in line and demo.DEMO_PASSWORD in line for line in lines)


def _assert_exits(session, members, today) -> None:
    exited = [m for m in members if m.status != MemberStatus.ACTIVE]
    assert len(exited) == len(demo.EXITS)
    assert {m.status for m in exited} == {MemberStatus.WITHDRAWN, MemberStatus.DECEASED}
    for m in exited:
        assert m.admitted_on < m.exit_on < today
        assert m.exit_kind == (ExitKind.WITHDRAWAL if m.status == MemberStatus.WITHDRAWN else ExitKind.DEATH)
        if m.status == MemberStatus.WITHDRAWN:   # art. 2532 c.3 c.c.: the mutual relationship
            mutual = db.session.scalar(sa.select(MemberExit.mutual_ends_on).where(MemberExit.member_id == m.id))
            assert (mutual.month, mutual.day) == (12, 31) and m.exit_on <= mutual
    exit_actions = session.scalars(sa.select(MemberHistory.action).where(
        MemberHistory.member_id.in_([m.id for m in exited]), MemberHistory.action.like("member.exit%"))).all()
    assert len(exit_actions) == len(exited)


def test_exits_go_through_the_lifecycle_operation(_db, today):
    from governance.lifecycle.models import MemberExit
    _seed()
    members = _db.scalars(sa.select(Member).order_by(Member.number)).all()
    _assert_exits(_db, members, today)
    exits = {e.member.number: e for e in _db.scalars(sa.select(MemberExit)).all()}
    assert set(exits) == {m.number for m in members if m.status != MemberStatus.ACTIVE}
    assert all(e.applied_on == today for e in exits.values())


def test_demo_logins_authenticate_with_their_roles_and_members(_db, today, app):
    _seed()
    logins = {}
    for email in ("admin@demo.coop", "cda@demo.coop", "segreteria@demo.coop",
                  "revisore@demo.coop", "socio@demo.coop", "nuovo@demo.coop"):
        user = authenticate(email, demo.DEMO_PASSWORD)
        logins[email] = user
    roles = {email: {r.value for r in user.role_set} for email, user in logins.items()}
    assert roles == {
        "admin@demo.coop": {"admin"}, "cda@demo.coop": {"board", "member"},
        "segreteria@demo.coop": {"secretary"}, "revisore@demo.coop": {"auditor"},
        "socio@demo.coop": {"member"}, "nuovo@demo.coop": {"member"},
    }
    board, ordinary, new = (logins[e].member for e in ("cda@demo.coop", "socio@demo.coop", "nuovo@demo.coop"))
    assert logins["admin@demo.coop"].member is None
    assert board.status == MemberStatus.ACTIVE and board.admitted_on.year == 1994
    assert ordinary.category == Category.WORKER and ordinary.status == MemberStatus.ACTIVE
    assert ordinary.admitted_on <= today - SENIORITY          # may vote
    assert new.status == MemberStatus.ACTIVE and new.admitted_on > today - SENIORITY
    assert new.email and ordinary.email
    # The error message is translated, and the locale selector reads the session: it
    # needs a request context.
    with app.test_request_context(), pytest.raises(DomainError):
        authenticate("socio@demo.coop", "not-the-password")


def test_running_again_with_if_empty_changes_nothing_and_prints_the_logins(_db, today):
    _seed()
    before = _counts(_db)
    lines = _seed()
    assert _counts(_db) == before
    assert any("nothing was changed" in line for line in lines)
    assert sum(demo.DEMO_PASSWORD in line for line in lines) == 6


def test_seeding_a_database_with_data_is_refused_without_if_empty(_db, today, member_factory):
    member_factory()
    before = _counts(_db)
    with pytest.raises(demo.DemoRefused, match="already has data"):
        demo.seed_demo(if_empty=False, echo=lambda line: None)
    assert _counts(_db) == before


def test_if_empty_on_a_database_that_is_not_the_demo_says_so(_db, today, member_factory):
    member_factory()
    lines = _seed()
    assert _db.scalar(sa.select(sa.func.count()).select_from(Member)) == 1
    assert lines == ["The database already has data and no demo logins: nothing was changed."]


def test_a_failure_half_way_stores_nothing(_db, today, monkeypatch):
    real_create_user = demo.create_user

    def failing_create_user(email, *args, **kwargs):
        if email == "nuovo@demo.coop":
            raise DomainError("validation", "simulated failure")
        return real_create_user(email, *args, **kwargs)

    monkeypatch.setattr(demo, "create_user", failing_create_user)
    with pytest.raises(DomainError, match="simulated failure"):
        demo.seed_demo(if_empty=True, echo=lambda line: None)
    assert _counts(_db) == (0, 0, 0, 0)


def test_the_demo_is_the_same_every_time_for_the_same_day(today):
    """Seeded with 1994: the same people every time (a change of the demo shows here)."""
    plan = demo._plan_people(random.Random(demo.SEED), clock.today())
    assert [(p.category.value, p.first_name, p.last_name) for p in plan[:5]] == [
        ("worker", "Luca", "Rossi"), ("worker", "Martina", "Pellegrini"), ("worker", "Enrico", "Rossi"),
        ("worker", "Daniela", "Vitale"), ("worker", "Alessandra", "Brambilla")]


def test_make_vat_number_gives_valid_partite_iva():
    assert demo.make_vat_number("0074311", "015") == "00743110157"   # python-stdnum's example
    assert all(iva.is_valid(demo.make_vat_number(body, office)) for _, _, _, body, office, _, _
               in demo.LEGAL_PERSONS)


def test_the_board_finds_applications_to_decide_and_a_withdrawal_request(_db, today):
    from governance.lifecycle.models import Application, ApplicationStatus, WithdrawalRequest
    _seed()
    pending = _db.scalars(sa.select(Application).where(
        Application.status == ApplicationStatus.SUBMITTED).order_by(Application.decision_due_on)).all()
    assert len(pending) == 3
    assert pending[0].decision_due_on < today  # overdue: submitted 64 days ago, 60-day deadline
    assert all(a.decision_due_on >= today for a in pending[1:])
    assert _db.scalar(sa.select(sa.func.count()).select_from(WithdrawalRequest).where(
        WithdrawalRequest.status == "pending")) == 1


def test_the_demo_sets_the_cooperatives_letter_settings_and_a_real_one_starts_with_none(
        app, today, board_user, monkeypatch):
    """Review of issue 8, item 12: `make run` (DevelopmentConfig) gives the demo
    cooperative's letterhead, signatory and IBAN, so the admission letter is complete;
    a real cooperative (the base and production settings) gets no invented figures."""
    import io

    from pypdf import PdfReader

    import config
    from governance.lifecycle import letters
    from governance.statute.queries import value_on
    from tests.lifecycle import factories as lf
    names = ("COOPERATIVE_ADDRESS", "COOPERATIVE_PLACE", "COOPERATIVE_TAX_CODE", "COOPERATIVE_REGISTER",
             "LETTER_SIGNATORY", "PAYMENT_IBAN")
    for name in names:
        assert getattr(config.DevelopmentConfig, name), name
        assert getattr(config.ProductionConfig, name) == "" or name in __import__("os").environ
    assert config.CONFIGS["development"] is config.DevelopmentConfig
    for name in names:
        monkeypatch.setitem(app.config, name, getattr(config.DevelopmentConfig, name))
    application = lf.submit()
    member = lf.admit(application, board_user)
    with app.test_request_context():
        pdf = letters.admission_letter(application, member, value_on("share_value", today))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert config.DevelopmentConfig.LETTER_SIGNATORY in text
    assert config.DevelopmentConfig.PAYMENT_IBAN in text
