"""A member attending online checks themself in and out; the delegate is told of a proxy;
the secretary records a paper proxy with its scan, which the office can read back."""
from __future__ import annotations

import io

import sqlalchemy as sa

from governance.assemblies import operations, queries
from governance.assemblies.models import Proxy
from governance.core.outbox import OutboxMessage
from governance.extensions import db

from .conftest import open_now


def test_member_checks_in_online_while_the_session_is_open(client, login, convened, office, user_factory):
    assembly, people = convened
    user = user_factory(roles=["member"], member=people[3])
    login(user)
    refused = client.post(f"/assemblies/{assembly.id}/attend", follow_redirects=True)
    assert b"The session is not open" in refused.data
    open_now(assembly, office)
    client.post(f"/assemblies/{assembly.id}/attend")
    assert queries.quorum_now(assembly).in_person == 1
    page = client.get(f"/assemblies/{assembly.id}")
    assert b"Leave the session" in page.data
    client.post(f"/assemblies/{assembly.id}/attend", data={"out": "1"})
    assert queries.quorum_now(assembly).in_person == 0


def test_the_delegate_is_told_by_email(convened, office):
    assembly, people = convened
    proxy = operations.give_proxy(assembly, people[0], people[1], office)
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == f"assembly_proxy:{proxy.id}"))
    assert message.recipient == people[1].email and people[0].full_name in message.body


def test_paper_proxy_with_its_scan(client, login, convened, office):
    assembly, people = convened
    login(office)
    scan = b"%PDF-1.4 delega firmata"
    response = client.post(f"/assemblies/{assembly.id}/proxies", content_type="multipart/form-data", data={
        "delegator": str(people[4].number), "delegate": str(people[5].number), "scan": (io.BytesIO(scan), "delega.pdf")})
    assert response.status_code == 302
    proxy = db.session.scalar(sa.select(Proxy))
    assert proxy.scan_stored_name
    read = client.get(f"/assemblies/{assembly.id}/proxies/{proxy.id}/scan")
    assert read.data == scan and read.headers["X-Content-Type-Options"] == "nosniff"
    bad = client.post(f"/assemblies/{assembly.id}/proxies", data={"delegator": str(people[4].number),
                                                                  "delegate": str(people[4].number)})
    assert bad.status_code == 422 and b"One delegate per delegator" in bad.data
