"""Every step of the lifecycle is in the audit log and sends its email through the outbox."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from governance.lifecycle import operations
from governance.core import clock
from governance.core.audit import AuditEntry
from governance.core.outbox import OutboxMessage
from governance.extensions import db

from . import factories


def new_entries(model, since: int):
    return db.session.scalars(sa.select(model).where(model.id > since).order_by(model.id)).all()


def last_id(model) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(model.id), 0)))


def test_each_step_is_audited_and_emailed(today, board_user, secretary_user, member_factory):
    # Register entries first: the factory numbers them itself, admissions take the next number.
    member_factory()
    excluded, lapsed, deceased = (member_factory(email=f"{c}@example.org") for c in "xld")

    def step(name, action, emails, run):
        audit_from, outbox_from = last_id(AuditEntry), last_id(OutboxMessage)
        result = run()
        db.session.flush()
        actions = [e.action for e in new_entries(AuditEntry, audit_from)]
        messages = new_entries(OutboxMessage, outbox_from)
        assert action in actions, (name, actions)
        assert len(messages) == emails, (name, [m.subject for m in messages])
        return result

    # the applicant's acknowledgement and the board's notice (BOARD_NOTIFICATIONS=each)
    application = step("apply", "application.submit", 2, lambda: factories.submit(email="a@example.org"))
    member = step("admit", "application.admit", 1, lambda: factories.admit(application, board_user))
    refused = factories.submit(email="r@example.org")
    step("refuse", "application.reject", 1, lambda: factories.reject(refused, board_user))
    appeal = step("appeal", "application.appeal", 1, lambda: operations.lodge_appeal(refused, "Ricorso"))
    step("assembly", "appeal.decide", 1, lambda: operations.record_appeal_decision(
        appeal, {"outcome": "rejected", "decided_on": today}, board_user))
    step("payment", "member.share_payment", 1, lambda: operations.record_share_payment(
        member, {"amount": "25.00", "paid_on": today}, secretary_user))
    request = step("withdrawal request", "withdrawal.request", 2,
                   lambda: operations.request_withdrawal(member, {}, None))
    step("withdrawal decision", "withdrawal.accepted", 1, lambda: operations.decide_withdrawal(
        request, {"outcome": "accepted", "decided_on": today}, board_user))
    step("exclusion", "member.exit_exclusion", 1, lambda: operations.record_exit(
        excluded, {"kind": "exclusion", "date": today, "reasons": "Morosità"}, board_user))
    step("lapse", "member.exit_lapse", 1, lambda: operations.record_exit(
        lapsed, {"kind": "lapse", "date": today}, board_user))
    step("death", "member.exit_death", 0, lambda: operations.record_exit(  # nobody to write to
        deceased, {"kind": "death", "date": today}, board_user))
    clock.set_now(date(2027, 4, 28))
    # 4 exits of 2026: the withdrawal's membership ended on its notice (art. 2532 c.3 c.c.)
    step("accounts", "accounts.approved", 4, lambda: operations.record_accounts_approval(
        {"year": 2026, "approved_on": "2027-04-28"}, board_user))
    assert member.shares_paid_amount == Decimal("25.00")
