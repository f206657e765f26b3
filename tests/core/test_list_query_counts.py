"""No N+1 on list pages: each page sends the same number of SQL statements whether it
lists a few rows or several times more (every domain's lists, HTML and API)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from tests.sql import count_statements  # noqa: F401

from governance.lifecycle import operations as lifecycle
from governance.core import clock
from governance.core.outbox import send_email
from governance.extensions import db
from tests.lifecycle.factories import reject, submit

LIST_PAGES = [
    "/members", "/board/applications", "/board/appeals", "/board/withdrawals",
    "/admin/audit", "/admin/outbox", "/admin/users", "/reports/membership?year=2026",
    "/api/v1/members", "/api/v1/applications", "/api/v1/audit", "/api/v1/outbox",
    "/api/v1/users", "/api/v1/withdrawal-requests", "/api/v1/appeals",
]


def _add_rows(n: int, board, member_factory, user_factory) -> None:
    """n of each thing the list pages show: applications (pending, refused and
    appealed), withdrawal requests, users, outbox messages and audit entries."""
    for _ in range(n):
        submit()
        refused = reject(submit(), board)
        lifecycle.lodge_appeal(refused, "Chiedo che decida l'assemblea.")
        member = member_factory()
        lifecycle.request_withdrawal(member, {}, board)
        user_factory(roles=["member"], member=member)
        send_email("someone@example.org", "Subject", "Body")
        # a convocation's topic names the assembly and the member: read for the page at once
        send_email("someone@example.org", "Convocazione", "Body", topic=f"convocation:{member.id}:{member.id}")
    db.session.flush()


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_page_queries_do_not_grow_with_rows(url, client, login, bearer, today, member_factory,
                                                 user_factory, monkeypatch):
    admin_board = user_factory(roles=["admin", "board", "secretary", "auditor"])
    headers = bearer(admin_board) if url.startswith("/api/") else {}
    if not headers:
        login(admin_board)
    clock.set_now(clock.now() - timedelta(days=1))  # submissions yesterday, decisions today
    _add_rows(2, admin_board, member_factory, user_factory)
    clock.set_now(clock.now() + timedelta(days=1))
    client.get(url, headers=headers)  # warm-up (first-request caches)
    with count_statements() as few:
        first = client.get(url, headers=headers)
    clock.set_now(clock.now() - timedelta(days=1))
    _add_rows(6, admin_board, member_factory, user_factory)
    clock.set_now(clock.now() + timedelta(days=1))
    with count_statements() as many:
        second = client.get(url, headers=headers)
    assert first.status_code == second.status_code == 200, (url, second.status_code)
    assert len(second.get_data()) > len(first.get_data())  # the page really lists more
    assert len(many) == len(few), (url, len(few), len(many))
