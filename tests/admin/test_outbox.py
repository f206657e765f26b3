"""The outbox pages: what the platform has emailed, with bodies and attachments."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.visible import visible_text

from governance.core import clock
from governance.core.outbox import OutboxStatus, send_email
from governance.extensions import db


@pytest.fixture
def messages():
    with clock.frozen(datetime(2026, 5, 1, 9, 0, tzinfo=clock.ROME)):
        older = send_email("anna@example.org", "Convocation", "Dear Anna,\n<b>not bold</b>",
                           attachments=[("convocation.ics", "text/calendar", b"BEGIN:VCALENDAR"),
                                        ("page.html", "text/html", b"<script>alert(1)</script>")],
                           topic="assembly 3")
    with clock.frozen(datetime(2026, 5, 2, 9, 0, tzinfo=clock.ROME)):
        newer = send_email("bruno@example.org", "Your application", "Dear Bruno")
    db.session.flush()
    newer.status = OutboxStatus.STORED
    return older, newer


def test_the_outbox_lists_messages_newest_first(client, login, admin_user, messages):
    page = login(admin_user).get("/admin/outbox").get_data(as_text=True)
    assert page.index("Your application") < page.index("Convocation")
    assert "bruno@example.org" in page and "stored" in page and "queued" in page
    only_stored = client.get("/admin/outbox?status=stored").get_data(as_text=True)
    assert "Your application" in only_stored and "Convocation" not in only_stored


def test_a_message_shows_body_and_attachments(client, login, admin_user, messages):
    older, _ = messages
    page = login(admin_user).get(f"/admin/outbox/{older.id}").get_data(as_text=True)
    assert "Dear Anna," in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page  # the body is text, never HTML
    # topics are codes worded by the domain that registered them; an unknown kind reads "Other"
    assert "convocation.ics" in page and "Other" in page and "assembly:3" not in visible_text(page)
    ics = older.attachments[0]
    response = client.get(f"/admin/outbox/{older.id}/attachments/{ics.id}")
    assert response.status_code == 200
    assert response.data == b"BEGIN:VCALENDAR"
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_an_html_attachment_is_downloaded_not_rendered(client, login, admin_user, messages):
    older, _ = messages
    html = older.attachments[1]
    response = login(admin_user).get(f"/admin/outbox/{older.id}/attachments/{html.id}")
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_an_attachment_belongs_to_its_message(client, login, admin_user, messages):
    older, newer = messages
    attachment = older.attachments[0]
    assert login(admin_user).get(f"/admin/outbox/{newer.id}/attachments/{attachment.id}").status_code == 404
    assert client.get("/admin/outbox/987654").status_code == 404


def test_the_outbox_api(api, bearer, admin_user, messages):
    older, _ = messages
    headers = bearer(admin_user)
    listing = api.get("/api/v1/outbox?per_page=1", headers=headers).get_json()
    assert listing["total"] == 2 and listing["items"][0]["subject"] == "Your application"
    assert listing["items"][0]["status"] == "stored"
    detail = api.get(f"/api/v1/outbox/{older.id}", headers=headers).get_json()
    assert detail["body"].startswith("Dear Anna,")
    assert [(a["filename"], a["size"]) for a in detail["attachments"]] == [
        ("convocation.ics", len(b"BEGIN:VCALENDAR")),
        ("page.html", len(b"<script>alert(1)</script>"))]
    download = api.get(f"/api/v1/outbox/{older.id}/attachments/{detail['attachments'][0]['id']}",
                       headers=headers)
    assert download.status_code == 200 and download.data == b"BEGIN:VCALENDAR"
    filtered = api.get("/api/v1/outbox?recipient=ANNA@example.org", headers=headers).get_json()
    assert [m["id"] for m in filtered["items"]] == [older.id]
    bad = api.get("/api/v1/outbox?status=lost", headers=headers)
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]


def test_reset_and_activation_links_are_shown_redacted(client, login, api, bearer, admin_user,
                                                       user_factory):
    """The administrator reads the outbox, but cannot use another person's password-reset
    or activation link found there (issue 6)."""
    from governance.auth.operations import password_reset_token, send_password_reset
    member = user_factory(roles=["member"])
    token = password_reset_token(member)
    message = send_password_reset(member)
    db.session.flush()
    assert token in message.body  # the member gets the link...
    page = login(admin_user).get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    detail = api.get(f"/api/v1/outbox/{message.id}", headers=bearer(admin_user)).get_json()
    for shown in (page, detail["body"]):  # ...the administrator does not
        assert token not in shown and "/password/reset/" not in shown
        assert "[personal link hidden]" in shown
