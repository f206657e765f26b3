"""3. Share payments (secretary) with paid/unpaid status; 5. refunds due after the
approval of the accounts (art. 2535 c.c.)."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from governance.lifecycle import operations, queries
from governance.lifecycle.models import AccountsApproval, SharePayment
from governance.core import clock
from governance.core.errors import DomainError
from governance.extensions import db
from governance.members.models import MemberHistory


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def unpaid(today, member_factory):
    """3 shares of 25.00 subscribed, nothing paid yet."""
    return member_factory(shares_subscribed=3, shares_paid_amount=Decimal("0.00"), email="quote@example.org")


def pay(member, actor, amount, paid_on="2026-11-20"):
    return operations.record_share_payment(member, {"amount": amount, "paid_on": paid_on}, actor)


def test_payments_add_up_to_paid(unpaid, secretary_user):
    assert queries.shares_status(unpaid).status == "unpaid"
    pay(unpaid, secretary_user, "25.00")
    assert unpaid.shares_paid_amount == Decimal("25.00")
    assert queries.shares_status(unpaid).status == "partly_paid"
    pay(unpaid, secretary_user, "50,00")  # Italian format
    status = queries.shares_status(unpaid)
    assert (status.paid_amount, status.still_due, status.status) == (Decimal("75.00"), Decimal("0.00"), "paid")
    assert sum(p.amount for p in queries.share_payments(unpaid)) == unpaid.shares_paid_amount
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MemberHistory).where(
        MemberHistory.action == "member.share_payment")) == 2


@pytest.mark.parametrize("data, field", [
    ({"amount": "0", "paid_on": "2026-11-20"}, "amount"),
    ({"amount": "-5.00", "paid_on": "2026-11-20"}, "amount"),
    ({"amount": "12.345", "paid_on": "2026-11-20"}, "amount"),
    ({"amount": "abc", "paid_on": "2026-11-20"}, "amount"),
    ({"amount": "100.00", "paid_on": "2026-11-20"}, "amount"),    # more than the 75.00 subscribed
    ({"amount": "25.00", "paid_on": "2026-11-27"}, "paid_on"),    # future
    ({"amount": "25.00", "paid_on": "2019-01-01"}, "paid_on"),    # before the admission
    ({"amount": "25.00"}, "paid_on"),
])
def test_bad_payments_are_refused_and_nothing_changes(unpaid, secretary_user, data, field):
    with pytest.raises(DomainError) as info:
        operations.record_share_payment(unpaid, data, secretary_user)
    assert field in info.value.errors
    assert count(SharePayment) == 0 and unpaid.shares_paid_amount == Decimal("0.00")


def test_the_paid_amount_can_never_be_negative_in_the_database(unpaid):
    unpaid.shares_paid_amount = Decimal("-1.00")
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.flush()


def test_the_secretary_records_payments_on_the_member_page(client, login, unpaid, secretary_user, board_user, _db):
    _db.commit()
    login(secretary_user)
    html = client.get(f"/members/{unpaid.number}/lifecycle").get_data(as_text=True)
    assert 'name="payment-amount"' in html and "75.00" in html
    bad = client.post(f"/members/{unpaid.number}/share-payments",
                      data={"payment-amount": "80.00", "payment-paid_on": "2026-11-20"})
    assert bad.status_code == 422 and 'id="payment-amount-errors"' in bad.get_data(as_text=True)
    ok = client.post(f"/members/{unpaid.number}/share-payments",
                     data={"payment-amount": "75.00", "payment-paid_on": "2026-11-20"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert unpaid.shares_paid_amount == Decimal("75.00")
    login(board_user)
    assert client.post(f"/members/{unpaid.number}/share-payments",
                       data={"payment-amount": "1.00", "payment-paid_on": "2026-11-20"}).status_code == 403


def test_api_share_payments(client, unpaid, secretary_user, board_user, bearer, _db):
    secretary, board = bearer(secretary_user), bearer(board_user)
    _db.commit()
    url = f"/api/v1/members/{unpaid.number}/share-payments"
    assert client.post(url, headers=board, json={"amount": "25.00", "paid_on": "2026-11-20"}).status_code == 403
    assert client.post(url, headers=secretary, json={"amount": 25.0, "paid_on": "2026-11-20"}).status_code == 422
    created = client.post(url, headers=secretary, json={"amount": "25.00", "paid_on": "2026-11-20"})
    assert created.status_code == 201
    assert created.json["paid_amount"] == "25.00" and created.json["status"] == "partly_paid"
    assert created.json["subscribed_amount"] == "75.00" and created.json["still_due"] == "50.00"
    shares = client.get(f"/api/v1/members/{unpaid.number}/shares", headers=board).json
    assert [p["amount"] for p in shares["payments"]] == ["25.00"]


# --- accounts approval and refunds ---------------------------------------------------------------

def test_refunds_fall_due_180_days_after_the_accounts_of_the_exit_year(today, member_factory, board_user):
    leaving = member_factory(email="a@example.org")
    operations.record_exit(leaving, {"kind": "lapse", "date": "2026-03-10"}, board_user)
    later = member_factory()
    operations.record_exit(later, {"kind": "death", "date": "2026-11-20"}, board_user)
    clock.set_now(date(2027, 4, 28))
    approval = operations.record_accounts_approval({"year": 2026, "approved_on": "2027-04-28"}, board_user)
    assert approval.financial_year == 2026
    assert queries.member_exit(leaving).refund_due_on == date(2027, 10, 25)
    assert queries.member_exit(later).refund_due_on == date(2027, 10, 25)
    # An exit of 2026 recorded after the approval gets its due date at once.
    late = member_factory()
    operations.record_exit(late, {"kind": "death", "date": "2026-12-30"}, board_user)
    assert queries.member_exit(late).refund_due_on == date(2027, 10, 25)
    # One of 2027 waits for the 2027 accounts.
    current = member_factory()
    operations.record_exit(current, {"kind": "lapse", "date": "2027-04-01"}, board_user)
    assert queries.member_exit(current).refund_due_on is None


@pytest.mark.parametrize("data, field", [
    ({"year": 2026, "approved_on": "2026-11-20"}, "year"),         # the year has not ended
    ({"year": 2025, "approved_on": "2025-12-31"}, "approved_on"),  # approved before the year ended
    ({"year": 2025, "approved_on": "2026-11-27"}, "approved_on"),  # future
    ({"year": "last", "approved_on": "2026-04-28"}, "year"),
    ({"year": 2025}, "approved_on"),
])
def test_accounts_approval_is_checked(today, board_user, data, field):
    with pytest.raises(DomainError) as info:
        operations.record_accounts_approval(data, board_user)
    assert field in info.value.errors and count(AccountsApproval) == 0


def test_an_approval_is_recorded_once(today, board_user):
    operations.record_accounts_approval({"year": 2025, "approved_on": "2026-04-28"}, board_user)
    with pytest.raises(DomainError) as info:
        operations.record_accounts_approval({"year": 2025, "approved_on": "2026-05-02"}, board_user)
    assert info.value.status == 409


def test_accounts_page_and_api(client, login, today, board, bearer, auditor_user, _db):
    headers, auditor = bearer(board), bearer(auditor_user)
    _db.commit()
    created = client.post("/api/v1/accounts-approvals", headers=headers,
                          json={"year": 2024, "approved_on": "2025-04-29"})
    assert created.status_code == 201 and created.json["refund_due_on"] == "2025-10-26"
    assert client.post("/api/v1/accounts-approvals", headers=auditor,
                       json={"year": 2023, "approved_on": "2024-04-29"}).status_code == 403
    login(board)
    bad = client.post("/board/accounts-approvals", data={"year": "2025", "approved_on": "2030-01-01"})
    assert bad.status_code == 422 and 'id="approved_on-errors"' in bad.get_data(as_text=True)
    assert client.post("/board/accounts-approvals",
                       data={"year": "2025", "approved_on": "2026-04-28"}).status_code == 302
    page = client.get("/board/accounts-approvals").get_data(as_text=True)
    assert "2025" in page and "2024" in page


def test_the_applicant_is_asked_to_pay_after_the_admission_not_before(app, monkeypatch, today, apply,
                                                                      board_user):
    """Review of issue 8, item 13: the shares are the new member's to pay (art. 2528
    c.c.) and a payment is recorded from the admission date, so the acknowledgement
    gives no bank details and says to wait; the welcome email gives them."""
    from governance.core.outbox import OutboxMessage
    from . import factories
    monkeypatch.setitem(app.config, "PAYMENT_IBAN", "IT60X0542811101000000123456")
    application = apply(email="giulia.verdi@example.org")
    acknowledgement = db.session.scalar(sa.select(OutboxMessage.body).where(
        OutboxMessage.recipient == "giulia.verdi@example.org"))
    assert "IT60X0542811101000000123456" not in acknowledgement
    assert "non versare ora le quote" in acknowledgement   # the applicant's language: Italian
    factories.admit(application, board_user)
    welcome = db.session.scalar(sa.select(OutboxMessage.body).where(
        OutboxMessage.recipient == "giulia.verdi@example.org").order_by(OutboxMessage.id.desc()))
    assert "IT60X0542811101000000123456" in welcome
    assert f"quote socio n. {application.member.number}" in welcome
