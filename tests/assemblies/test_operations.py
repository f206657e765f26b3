"""The assembly use cases on a real database: preparing, convening, proxies, the session,
the minutes; each broken rule with its code and nothing changed."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from governance.assemblies import operations, queries
from governance.assemblies.models import AssemblyStatus, ProxyStatus, Receipt
from governance.core import clock
from governance.core.errors import Conflict, DomainError
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from tests import factories

from .conftest import at, open_now


def test_create_refuses_second_call_same_day(board, today):
    with pytest.raises(DomainError) as error:
        operations.create_assembly({"kind": "ordinary", "title": "A", "first_call_at": at(today + timedelta(days=20), 9),
                                    "second_call_at": at(today + timedelta(days=20), 20), "place": "Sede"}, board)
    assert error.value.code == "second_call_same_day"


def test_create_refuses_past_first_call(board, today):
    with pytest.raises(DomainError) as error:
        operations.create_assembly({"kind": "ordinary", "title": "A", "first_call_at": at(today - timedelta(days=1)),
                                    "second_call_at": at(today + timedelta(days=2)), "place": "Sede"}, board)
    assert error.value.code == "validation" and "first_call_at" in error.value.errors


def test_notice_eighth_day_accepted_seventh_refused(make_assembly, board, today, voters):
    voters(2)
    late = make_assembly(first=today + timedelta(days=7))
    with pytest.raises(DomainError) as error:
        operations.publish(late, board)
    assert error.value.code == "notice_period"
    assert late.status == AssemblyStatus.DRAFT
    ok = make_assembly(first=today + timedelta(days=8))
    operations.publish(ok, board)
    assert ok.status == AssemblyStatus.CONVENED


def test_publish_queues_one_email_per_member_and_twice_is_409(make_assembly, board, voters):
    people = voters(3)
    factories.MemberFactory(email=None)  # by post
    assembly = make_assembly()
    operations.publish(assembly, board)
    topics = set(db.session.scalars(sa.select(OutboxMessage.topic).where(OutboxMessage.topic.like("convocation:%"))))
    assert topics == {f"convocation:{assembly.id}:{m.id}" for m in people}
    assert db.session.scalar(sa.select(sa.func.count(Receipt.id))) == 4
    with pytest.raises(Conflict):
        operations.publish(assembly, board)


def test_convened_agenda_is_locked(convened, board):
    assembly, _people = convened
    with pytest.raises(Conflict):
        operations.add_item(assembly, {"title": "Altro"}, board)


def test_roll_89th_and_90th_day(make_assembly, board, today):
    first = today + timedelta(days=20)
    on_89 = factories.MemberFactory(admitted_on=first - timedelta(days=89))
    on_90 = factories.MemberFactory(admitted_on=first - timedelta(days=90))
    assembly = make_assembly(first=first)
    numbers = {v.number for v in queries.roll(assembly)}
    assert on_90.number in numbers and on_89.number not in numbers


def test_withdrawn_yesterday_is_off_the_roll(make_assembly, today):
    gone = factories.MemberFactory(status="withdrawn", exit_on=today - timedelta(days=1))
    leaving = factories.MemberFactory(exit_on=today + timedelta(days=40))
    assembly = make_assembly()
    numbers = {v.number for v in queries.roll(assembly)}
    assert gone.number not in numbers and leaving.number in numbers


def test_proxy_cap_tenth_accepted_eleventh_refused(convened, board, voters, office):
    assembly, _ = convened
    delegate = voters(1)[0]
    delegators = voters(11)
    for member in delegators[:10]:
        operations.give_proxy(assembly, member, delegate, office)
    with pytest.raises(DomainError) as error:
        operations.give_proxy(assembly, delegators[10], delegate, office)
    assert error.value.code == "proxy_cap"


def test_proxy_to_board_member_barred_and_to_oneself_refused(convened, office, user_factory):
    assembly, people = convened
    user_factory(roles=["board"], member=people[1])
    with pytest.raises(DomainError) as error:
        operations.give_proxy(assembly, people[0], people[1], office)
    assert error.value.code == "proxy_barred"
    with pytest.raises(DomainError) as error:
        operations.give_proxy(assembly, people[0], people[0], office)
    assert error.value.code == "proxy_duplicate"


def test_proxy_to_someone_not_on_the_roll(convened, office, today):
    assembly, people = convened
    newcomer = factories.MemberFactory(admitted_on=today)
    with pytest.raises(DomainError) as error:
        operations.give_proxy(assembly, people[0], newcomer, office)
    assert error.value.code == "proxy_not_entitled"


def test_session_quorum_proxies_and_minutes(convened, office):
    assembly, people = convened
    proxy = operations.give_proxy(assembly, people[0], people[1], office)
    with pytest.raises(DomainError) as error:
        operations.open_session(assembly, "first", office)
    assert error.value.code == "too_early"
    open_now(assembly, office)
    with pytest.raises(Conflict):
        operations.open_session(assembly, "first", office)
    with pytest.raises(Conflict):
        operations.give_proxy(assembly, people[2], people[1], office)
    operations.check_in(assembly, people[1], office)
    operations.check_in(assembly, people[2], office)
    quorum = queries.quorum_now(assembly)
    assert (quorum.eligible, quorum.in_person, quorum.by_proxy, quorum.present, quorum.required, quorum.reached) \
        == (6, 2, 1, 3, 3, True)
    operations.check_out(assembly, people[1], office)  # the delegate leaves: the proxy stops counting
    quorum = queries.quorum_now(assembly)
    assert (quorum.present, quorum.reached) == (1, False)
    operations.check_in(assembly, people[0], office)  # the delegator comes: the proxy is void
    assert db.session.get(type(proxy), proxy.id).status == ProxyStatus.VOID
    operations.close_session(assembly, office)
    with pytest.raises(Conflict):
        operations.close_session(assembly, office)
    minutes = assembly and db.session.get(__import__("governance.assemblies.models", fromlist=["Minutes"]).Minutes,
                                          assembly.id)
    assert "Punto 1" in minutes.text


def test_frozen_roll_keeps_its_members(convened, office):
    assembly, people = convened
    open_now(assembly, office)
    people[0].status = "withdrawn"
    people[0].exit_on = clock.today()
    db.session.flush()
    assert len(queries.roll(assembly)) == 6
