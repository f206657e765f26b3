"""Assemblies through the JSON API (API.md paths and codes) and the HTML pages: the whole
flow, problem+json for bad input with nothing changed, members acting for themselves."""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from icalendar import Calendar
from pypdf import PdfReader

from governance.assemblies import operations
from governance.assemblies.models import AgendaDocument, Assembly, Proxy, Receipt
from governance.core import clock
from governance.core.outbox import OutboxMessage, deliver_due
from governance.extensions import db
from tests import factories

from .conftest import at


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_api_flow(today, api, bearer, board, office, voters):
    people = voters(4)
    board_h, office_h = bearer(board), bearer(office)
    first = today + timedelta(days=10)
    response = api.post("/api/v1/assemblies", headers=board_h, json={
        "kind": "ordinary", "title": "Assemblea di bilancio", "first_call_at": at(first, 9),
        "second_call_at": at(first + timedelta(days=1), 18), "location": "Sede", "online_url": "https://meet.example.org/x"})
    assert response.status_code == 201 and response.json["status"] == "draft"
    assembly_id = response.json["id"]
    assert api.post(f"/api/v1/assemblies/{assembly_id}/agenda-items", headers=board_h,
                    json={"title": "Bilancio 2025", "description": "Approvazione"}).status_code == 201
    assert api.post(f"/api/v1/assemblies/{assembly_id}/publish", headers=board_h).json["status"] == "convened"
    again = api.post(f"/api/v1/assemblies/{assembly_id}/publish", headers=board_h)
    assert again.status_code == 409 and again.content_type.startswith("application/problem+json")
    roll = api.get(f"/api/v1/assemblies/{assembly_id}/roll", headers=office_h).json
    assert roll["count"] == 4 and roll["on"] == first.isoformat()
    proxy = api.post(f"/api/v1/assemblies/{assembly_id}/proxies", headers=office_h,
                     json={"delegator": people[0].number, "delegate": people[1].number})
    assert proxy.status_code == 201
    dup = api.post(f"/api/v1/assemblies/{assembly_id}/proxies", headers=office_h,
                   json={"delegator": people[0].number, "delegate": people[2].number})
    assert dup.status_code == 422 and dup.json["code"] == "proxy_duplicate"
    early = api.post(f"/api/v1/assemblies/{assembly_id}/open", headers=office_h, json={"call": "first"})
    assert early.status_code == 422 and early.json["code"] == "too_early"
    clock.set_now(db.session.get(Assembly, assembly_id).first_call_at + timedelta(minutes=1))
    assert api.post(f"/api/v1/assemblies/{assembly_id}/open", headers=office_h, json={"call": "first"}).status_code == 200
    twice = api.post(f"/api/v1/assemblies/{assembly_id}/open", headers=office_h, json={"call": "first"})
    assert twice.status_code == 409
    body = api.post(f"/api/v1/assemblies/{assembly_id}/attendance", headers=office_h,
                    json={"member": people[1].number, "present": True}).json
    assert (body["in_person"], body["by_proxy"], body["present"], body["required"], body["reached"]) == (1, 1, 2, 2, True)
    quorum = api.get(f"/api/v1/assemblies/{assembly_id}/quorum", headers=bearer(board)).json
    assert set(quorum) >= {"call", "eligible", "in_person", "by_proxy", "by_correspondence", "present", "required",
                           "reached"}
    nobody = api.post(f"/api/v1/assemblies/{assembly_id}/attendance", headers=office_h,
                      json={"member": 999999, "present": True})
    assert nobody.status_code == 422
    found = api.get(f"/api/v1/assemblies/{assembly_id}/check-in-search?q={people[2].last_name[:3]}", headers=office_h)
    assert people[2].number in [m["number"] for m in found.json["items"]]
    assert api.post(f"/api/v1/assemblies/{assembly_id}/close", headers=office_h).status_code == 200
    assert api.post(f"/api/v1/assemblies/{assembly_id}/close", headers=office_h).status_code == 409
    pdf = api.get(f"/api/v1/assemblies/{assembly_id}/minutes.pdf", headers=office_h)
    text = _pdf_text(pdf.data)
    assert "Bilancio 2025" in text and "4" in text


def test_api_bad_input_changes_nothing(today, api, bearer, board):
    headers = bearer(board)
    same_day = api.post("/api/v1/assemblies", headers=headers, json={
        "kind": "ordinary", "title": "X", "first_call_at": at(today + timedelta(days=20), 9),
        "second_call_at": at(today + timedelta(days=20), 21), "location": "Sede"})
    assert same_day.status_code == 422 and same_day.json["code"] == "second_call_same_day"
    bad = api.post("/api/v1/assemblies", headers=headers, json={"kind": "ordinary", "title": "X",
                                                                  "first_call_at": "yesterday",
                                                                  "second_call_at": at(today), "location": "S"})
    assert bad.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Assembly.id))) == 0
    response = api.post("/api/v1/assemblies", headers=headers, json={
        "kind": "ordinary", "title": "X", "first_call_at": at(today + timedelta(days=5), 9),
        "second_call_at": at(today + timedelta(days=6), 9), "location": "Sede"})
    assembly_id = response.json["id"]
    api.post(f"/api/v1/assemblies/{assembly_id}/agenda-items", headers=headers, json={"title": "Uno"})
    late = api.post(f"/api/v1/assemblies/{assembly_id}/publish", headers=headers)
    assert late.status_code == 422 and late.json["code"] == "notice_period"
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_member_proxy_only_for_themself(today, api, bearer, convened, user_factory):
    assembly, people = convened
    user = user_factory(roles=["member"], member=people[0])
    other = api.post(f"/api/v1/assemblies/{assembly.id}/proxies", headers=bearer(user),
                     json={"delegator": people[1].number, "delegate": people[2].number})
    assert other.status_code == 403
    own = api.post(f"/api/v1/assemblies/{assembly.id}/proxies", headers=bearer(user),
                   json={"delegator": people[0].number, "delegate": people[2].number})
    assert own.status_code == 201
    assert api.delete(f"/api/v1/assemblies/{assembly.id}/proxies/{own.json['id']}",
                      headers=bearer(user)).status_code == 204


def test_pages_board_member_secretary(today, client, login, board, office, user_factory, make_assembly, voters):
    people = voters(3)
    member_user = user_factory(roles=["member"], member=people[0])
    login(board)
    first = today + timedelta(days=15)
    response = client.post("/assemblies/new", data={
        "kind": "ordinary", "title": "Assemblea dei soci", "first_call_at": f"{first.isoformat()}T09:00",
        "second_call_at": f"{first.isoformat()}T18:00", "place": "Sede"})
    assert response.status_code == 422 and b"later day" in response.data
    response = client.post("/assemblies/new", data={
        "kind": "ordinary", "title": "Assemblea dei soci", "first_call_at": f"{first.isoformat()}T09:00",
        "second_call_at": f"{(first + timedelta(days=1)).isoformat()}T18:00", "place": "Sede"})
    assert response.status_code == 302
    assembly = db.session.scalar(sa.select(Assembly))
    client.post(f"/assemblies/{assembly.id}/items", data={"title": "Bilancio", "description": "<script>x</script> **ok**"})
    client.post(f"/assemblies/{assembly.id}/items", data={"title": "Varie"})
    page = client.get(f"/assemblies/{assembly.id}")
    assert page.status_code == 200 and b"<strong>ok</strong>" in page.data and b"<script>x" not in page.data
    item = assembly.items[0]
    client.post(f"/assemblies/{assembly.id}/items/{item.id}/move", data={"direction": "down"})
    db.session.expire_all()
    assert [i.title for i in db.session.get(Assembly, assembly.id).items] == ["Varie", "Bilancio"]
    pdf = b"%PDF-1.4\n%fake but starts right\n"
    response = client.post(f"/assemblies/{assembly.id}/items/{item.id}/documents",
                           data={"file": (io.BytesIO(pdf), "bilancio.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    liar = client.post(f"/assemblies/{assembly.id}/items/{item.id}/documents",
                       data={"file": (io.BytesIO(b"MZ\x90\x00not a pdf"), "virus.pdf")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert b"not a PDF file" in liar.data
    document = db.session.scalar(sa.select(AgendaDocument))
    download = client.get(f"/assemblies/{assembly.id}/documents/{document.id}")
    assert download.data == pdf and download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    response = client.post(f"/assemblies/{assembly.id}/publish", follow_redirects=True)
    assert response.status_code == 200
    assert client.get(f"/assemblies/{assembly.id}/receipts").status_code == 200
    assert client.get(f"/assemblies/{assembly.id}/convocation").status_code == 200
    text = _pdf_text(client.get(f"/assemblies/{assembly.id}/convocation.pdf").data)
    assert "Bilancio" in text and "Varie" in text
    assert client.get(f"/assemblies/{assembly.id}/roll").status_code == 200
    # the member's page: may vote, confirm receipt, delegate
    login(member_user)
    page = client.get(f"/assemblies/{assembly.id}")
    assert b"You may vote at this assembly" in page.data
    client.post(f"/assemblies/{assembly.id}/receipt")
    assert db.session.scalar(sa.select(Receipt).where(Receipt.member_id == people[0].id)).confirmed_at is not None
    client.post(f"/assemblies/{assembly.id}/my-proxy", data={"delegate": str(people[1].number)})
    assert db.session.scalar(sa.select(sa.func.count(Proxy.id))) == 1
    home = client.get("/")
    assert b"Upcoming assemblies" in home.data
    # the secretary runs the session
    login(office)
    clock.set_now(assembly.first_call_at + timedelta(minutes=2))
    client.post(f"/assemblies/{assembly.id}/open", data={"call": "first"})
    page = client.get(f"/assemblies/{assembly.id}/session?q={people[1].number}")
    assert page.status_code == 200 and people[1].last_name.encode() in page.data
    fragment = client.get(f"/assemblies/{assembly.id}/session?fragment=search&q={people[2].last_name[:4]}")
    assert people[2].last_name.encode() in fragment.data
    client.post(f"/assemblies/{assembly.id}/check-in", data={"member": str(people[1].number)})
    panel = client.get(f"/assemblies/{assembly.id}/quorum?fragment=1")
    assert b"Quorum reached" in panel.data
    client.post(f"/assemblies/{assembly.id}/designate", data={"chair_name": "Maria Rossi", "secretary_name": "Luca Bianchi"})
    client.post(f"/assemblies/{assembly.id}/close")
    page = client.get(f"/assemblies/{assembly.id}/minutes")
    assert page.status_code == 200 and b"Maria Rossi" in page.data
    client.post(f"/assemblies/{assembly.id}/minutes/sign", data={"scan": (io.BytesIO(pdf), "firmato.pdf")},
                content_type="multipart/form-data")
    assert client.get(f"/assemblies/{assembly.id}/minutes/signed.pdf").data == pdf
    assert b"firmato" not in client.get("/assemblies/minutes-book").data
    assert client.get("/assemblies/minutes-book").status_code == 200


def test_ics_and_worker_render(today, convened, app):
    assembly, people = convened
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == f"convocation:{assembly.id}:{people[0].id}"))
    assert message.body == ""
    deliver_due()  # no MAIL_SERVER in tests: rendered and stored
    db.session.refresh(message)
    assert "/assemblies/receipt/" in message.body and people[0].full_name in message.body
    calendar = Calendar.from_ical(message.attachments[0].data)
    starts = sorted(event.decoded("dtstart") for event in calendar.walk("VEVENT"))
    assert starts == [assembly.first_call_at, assembly.second_call_at]


def test_personal_link_confirms_receipt(today, client, convened):
    assembly, people = convened
    deliver_due()
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == f"convocation:{assembly.id}:{people[1].id}"))
    link = next(line for line in message.body.splitlines() if "/assemblies/receipt/" in line)
    path = link[link.index("/assemblies/receipt/"):].strip()
    assert client.get(path).status_code == 200
    client.post(path)
    assert db.session.scalar(sa.select(Receipt).where(Receipt.member_id == people[1].id)).confirmed_at is not None
    assert client.get("/assemblies/receipt/forged-token").status_code == 404


def test_members_without_email_get_letters(today, client, login, board, make_assembly, voters):
    voters(2)
    postal = factories.MemberFactory(email=None, address="Via Verdi 3, Milano")
    assembly = make_assembly()
    operations.publish(assembly, board)
    login(board)
    text = _pdf_text(client.get(f"/assemblies/{assembly.id}/letters.pdf").data)
    assert postal.last_name in text and "Via Verdi 3" in text


def test_board_sees_failed_with_the_smtp_answer_and_confirmed(today, client, login, api, bearer, board, convened,
                                                                smtp_server):
    assembly, people = convened
    smtp_server.refuse(people[2].email, 550, "5.1.1 No such mailbox")
    deliver_due()
    operations.confirm_own_receipt(assembly, people[0].id)
    body = api.get(f"/api/v1/assemblies/{assembly.id}/receipts", headers=bearer(board)).json
    by_member = {row["member"]: row for row in body["items"]}
    assert by_member[people[2].number]["delivery"] == "failed"
    assert "550" in by_member[people[2].number]["error"]
    assert by_member[people[1].number]["delivery"] == "sent"
    assert by_member[people[0].number]["confirmed_at"] is not None
    login(board)
    page = client.get(f"/assemblies/{assembly.id}/receipts")
    assert b"No such mailbox" in page.data and b"6 members: 0 queued, 5 sent, 1 failed, 1 confirmed" in page.data
    message = next(m for m in smtp_server.messages if m["To"] == people[1].email)
    assert any(part.get_content_type() == "text/calendar" for part in message.walk())
