"""Guarantees under concurrent requests on PostgreSQL: two proxies to one delegate at the
cap at once give one success; one delegator giving two proxies at once gives one; two
outbox workers deliver a queue of 1,000 convocations to a real SMTP server with no email
sent twice and none lost. SQLite serialises writers and is not tested here."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from governance.assemblies import operations
from governance.assemblies.models import Assembly
from governance.auth.models import User
from governance.core import clock
from governance.core.errors import DomainError
from governance.core.outbox import OutboxMessage, OutboxStatus, deliver_due
from governance.extensions import db
from governance.members.models import Member
from tests import factories

from .bulk import add_members

pytestmark = [pytest.mark.committing, pytest.mark.postgres]
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=clock.ROME)


@pytest.fixture(autouse=True)
def _needs_postgres(app):
    if sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://...)")


def _convened(members: int):
    clock.set_now(NOW)
    board = factories.UserFactory(roles=["board"])
    office = factories.UserFactory(roles=["secretary"])
    add_members(members, 1)
    first = NOW + timedelta(days=20)
    assembly = operations.create_assembly({"kind": "ordinary", "title": "Assemblea", "first_call_at": first,
                                           "second_call_at": first + timedelta(days=1), "place": "Sede"}, board)
    operations.add_item(assembly, {"title": "Bilancio"}, board)
    operations.publish(assembly, board)
    db.session.commit()
    return assembly.id, office.id


def _at_once(app, jobs):
    start = threading.Barrier(len(jobs))
    outcomes: list = []

    def run(job):
        with app.test_request_context():
            clock.set_now(NOW)
            try:
                start.wait(timeout=30)
                job()
                db.session.commit()
                outcomes.append("ok")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)
            except BaseException as error:  # reported by the assertion
                db.session.rollback()
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(outcomes)


def _give(assembly_id, office_id, delegator, delegate):
    def job():
        member = lambda n: db.session.scalar(sa.select(Member).where(Member.number == n))  # noqa: E731
        operations.give_proxy(db.session.get(Assembly, assembly_id), member(delegator), member(delegate),
                              db.session.get(User, office_id))
    return job


def test_two_proxies_to_one_delegate_at_the_cap_give_one_success(app):
    assembly_id, office_id = _convened(30)
    for n in range(2, 11):  # the delegate n. 1 holds 9 of 10
        _give(assembly_id, office_id, n, 1)()
    db.session.commit()
    outcomes = _at_once(app, [_give(assembly_id, office_id, 20, 1), _give(assembly_id, office_id, 21, 1)])
    assert outcomes == ["ok", "proxy_cap"]


def test_one_delegator_two_proxies_at_once_give_one(app):
    assembly_id, office_id = _convened(10)
    outcomes = _at_once(app, [_give(assembly_id, office_id, 2, 3), _give(assembly_id, office_id, 2, 4)])
    assert outcomes == ["ok", "proxy_duplicate"]


def test_two_workers_deliver_1000_convocations_once(app, smtp_server):
    _convened(1050)  # every 20th has no email: 1,050 - 52 = 998 emails, plus none twice
    queued = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    assert queued >= 990

    def worker():
        with app.app_context():
            clock.set_now(NOW)
            deliver_due()
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    recipients = Counter(rcpt for _sender, rcpts in smtp_server.envelopes for rcpt in rcpts)
    assert len(recipients) == queued and max(recipients.values()) == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                             .where(OutboxMessage.status == OutboxStatus.SENT)) == queued
    assert all("/assemblies/receipt/" in m.get_payload()[0].get_payload(decode=True).decode()
               for m in smtp_server.messages[:5])
