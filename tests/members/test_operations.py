"""Adding and correcting register entries (DOMAIN.md §2) at the operations layer."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from governance.core.audit import AuditEntry
from governance.core.errors import DomainError
from governance.extensions import db
from governance.members import operations
from governance.members.models import Category, MemberHistory
from governance.members.queries import history_of

from .conftest import person


def _entry(i=0, **overrides):
    row = person(i, **overrides)
    row.pop("number")
    return row


def test_add_member_assigns_the_next_number_after_any_ever_assigned(today, board_user, member_factory):
    member_factory(number=30)
    operations.reserve_number(41)  # 31-41 were assigned once (e.g. entries of a past import)
    member = operations.add_member(_entry(), board_user)
    assert member.number == 42
    assert member.shares_paid_amount == Decimal("0.00")
    assert [h.action for h in history_of(member)] == ["member.create"]


def test_add_member_keeps_a_given_number_and_refuses_a_taken_one(today, board_user, member_factory):
    member_factory(number=9)
    member_factory(number=14)
    # a historic number not yet in the register (transcribing a paper register)
    assert operations.add_member({**_entry(0), "number": "12"}, board_user).number == 12
    with pytest.raises(DomainError) as info:
        operations.add_member({**_entry(1), "number": 9}, board_user)
    assert info.value.errors == {"number": ["Register number 9 is already taken."]}


def test_a_hand_given_number_may_not_jump_ahead_of_the_sequence(today, board_user, member_factory):
    member_factory(number=14)
    with pytest.raises(DomainError) as info:
        operations.add_member({**_entry(0), "number": 16}, board_user)  # would leave 15 empty
    assert "next number (15)" in info.value.errors["number"][0]
    assert operations.add_member(_entry(1), board_user).number == 15


def test_allocation_stops_at_the_last_number_instead_of_overflowing(today, board_user, member_factory):
    member_factory(number=operations.MAX_REGISTER_NUMBER)
    with pytest.raises(DomainError) as info:
        operations.add_member(_entry(0), board_user)
    assert info.value.code == "register_full"


def test_add_member_reports_every_field_and_uses_code_tax_code_only_for_the_tax_code(today, board_user):
    with pytest.raises(DomainError) as info:
        operations.add_member(_entry(tax_code="RSSMRA80A01F205Z"), board_user)
    assert info.value.code == "tax_code" and list(info.value.errors) == ["tax_code"]

    with pytest.raises(DomainError) as info:
        operations.add_member({**_entry(tax_code="RSSMRA80A01F205Z", admitted_on="2026-11-27"),
                               "number": "0"}, board_user)
    assert info.value.code == "validation"
    assert set(info.value.errors) == {"tax_code", "admitted_on", "number"}


def test_add_member_refuses_a_second_active_entry_for_the_same_person(today, board_user):
    operations.add_member(_entry(0), board_user)
    with pytest.raises(DomainError) as info:
        operations.add_member(_entry(0), board_user)
    assert "already in the register" in info.value.errors["tax_code"][0]


def test_legal_person_needs_a_vat_number_and_a_representative(today, board_user):
    company = {"last_name": "Coop Servizi Srl", "tax_code": "IT00743110157", "category": "legal_person",
               "admitted_on": "2010-05-04", "shares": 4}
    with pytest.raises(DomainError) as info:
        operations.add_member(company, board_user)
    assert set(info.value.errors) == {"legal_representative"}
    member = operations.add_member({**company, "legal_representative": "Anna Neri"}, board_user)
    assert member.tax_code == "00743110157" and member.birth_date is None


@pytest.mark.parametrize("paid, ok", [("50.00", True), ("50.01", False), ("-1", False), ("abc", False)])
def test_amount_paid_is_at_most_the_shares_subscribed(today, board_user, paid, ok):
    entry = _entry(shares="2", shares_paid_amount=paid)
    if ok:
        assert operations.add_member(entry, board_user).shares_paid_amount == Decimal(paid)
    else:
        with pytest.raises(DomainError) as info:
            operations.add_member(entry, board_user)
        assert list(info.value.errors) == ["shares_paid_amount"]


# --- volunteer cap (L. 381/1991 art. 2): at most 50% of the active members ---------

def test_a_volunteer_making_exactly_half_is_admitted_and_one_more_is_refused(today, board_user, member_factory):
    member_factory(category=Category.WORKER)
    operations.add_member(_entry(0, category="volunteer"), board_user)  # 1 of 2: 50%
    with pytest.raises(DomainError) as info:
        operations.add_member(_entry(1, category="volunteer"), board_user)  # 2 of 3
    assert info.value.code == "volunteer_cap"
    assert "2 of 3" in info.value.message and "66.67%" in info.value.message
    assert "50.00%" in info.value.message


# --- corrections ---------------------------------------------------------------

def test_a_correction_is_kept_in_history_and_audit_with_its_reason(today, board_user, member_factory):
    member = member_factory(phone="+39 02 1111111", address="Via Vecchia 1")
    changes = operations.correct_member(
        member, {"phone": "+39 02 2222222", "address": "Via Nuova 2", "email": member.email},
        board_user, "Address changed, letter of 3 Nov")
    assert changes == {"address": ["Via Vecchia 1", "Via Nuova 2"],
                       "phone": ["+39 02 1111111", "+39 02 2222222"]}
    assert member.address == "Via Nuova 2"
    [history] = history_of(member)
    assert (history.action, history.note, history.actor_email) == (
        "member.correct", "Address changed, letter of 3 Nov", board_user.email)
    assert history.changes == changes
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "member.correct")).one()
    assert audit.object_id == str(member.id) and audit.changes == changes


def test_a_correction_without_changes_writes_nothing(today, board_user, member_factory):
    member = member_factory()
    assert operations.correct_member(member, {"last_name": member.last_name}, board_user, "check") == {}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MemberHistory)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_a_correction_needs_a_reason_and_leaves_status_and_exit_alone(today, board_user, member_factory):
    member = member_factory()
    with pytest.raises(DomainError) as info:
        operations.correct_member(member, {"phone": "123", "status": "excluded", "number": 3},
                                  board_user, "  ")
    assert set(info.value.errors) == {"note", "status", "number"}
    assert member.phone != "123"


def test_a_corrected_name_is_found_by_the_search(today, board_user, member_factory):
    member = member_factory(first_name="Mario", last_name="Rosi")
    operations.correct_member(member, {"last_name": "Rossi"}, board_user, "typo")
    assert member.search_name == "rossi mario"


def test_a_corrected_tax_code_is_checked_and_may_not_be_another_active_members(
        today, board_user, member_factory):
    other, member = member_factory(), member_factory()
    with pytest.raises(DomainError) as info:
        operations.correct_member(member, {"tax_code": "RSSMRA80A01F205Z"}, board_user, "typo")
    assert info.value.code == "tax_code"
    with pytest.raises(DomainError) as info:
        operations.correct_member(member, {"tax_code": other.tax_code}, board_user, "typo")
    assert str(other.number) in info.value.message


def test_the_admission_date_is_checked_against_the_birth_date(today, board_user, member_factory):
    member = member_factory(birth_date=date(1980, 5, 1))
    with pytest.raises(DomainError) as info:
        operations.correct_member(member, {"admitted_on": "1979-01-01"}, board_user, "typo")
    assert list(info.value.errors) == ["admitted_on"]


def test_becoming_a_volunteer_respects_the_cap(today, board_user, member_factory):
    member_factory(category=Category.VOLUNTEER)
    first, second, third = (member_factory(category=Category.WORKER) for _ in range(3))
    operations.correct_member(first, {"category": "volunteer"}, board_user, "request")  # 2 of 4
    with pytest.raises(DomainError) as info:
        operations.correct_member(second, {"category": "volunteer"}, board_user, "request")  # 3 of 4
    assert info.value.code == "volunteer_cap" and "3 of 4" in info.value.message
    assert second.category == Category.WORKER
    # Moving away from volunteer is never refused.
    operations.correct_member(first, {"category": "worker"}, board_user, "back to work")
    assert first.category == Category.WORKER


@pytest.mark.parametrize("code, reason", [
    ("RSSMRA85T10A562X", "check character is wrong"),
    ("RSSMRA85T10A56", "16 characters"),
])
def test_tax_code_errors_say_why_in_the_users_language(code, reason, today):
    from flask import current_app
    from governance.members.operations import validate_entry
    with current_app.test_request_context():
        _, errors = validate_entry({"tax_code": code, "category": "worker"}, partial=True)
    assert reason in errors["tax_code"][0]


def test_control_characters_in_names_are_refused(today):
    from flask import current_app
    from governance.members.operations import validate_entry
    with current_app.test_request_context():
        _, errors = validate_entry({"last_name": "Ver\x00di", "category": "worker"}, partial=True)
    assert "control characters" in errors["last_name"][0]
