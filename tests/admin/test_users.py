"""Administrators manage logins: roles, linked register entry, active flag. Audited."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from governance.auth.models import User
from governance.core.audit import AuditEntry
from governance.core.outbox import OutboxMessage
from governance.core.permissions import Role
from governance.extensions import db


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def _audit(action=None):
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


@pytest.fixture
def admin(user_factory):
    return user_factory(email="admin@example.org", roles=["admin"])


@pytest.fixture
def anna_entry(member_factory):
    return member_factory(first_name="Anna", last_name="Bianchi", number=7)


def test_the_user_list_shows_roles_and_member_number(client, login, admin, user_factory, anna_entry):
    user_factory(email="anna@example.org", roles=["member", "secretary"], member=anna_entry)
    page = login(admin).get("/admin/users").get_data(as_text=True)
    row = re.search(r"anna@example\.org</a></td>(.*?)</tr>", page, re.S).group(1)
    # the role badges, then the member's number in its column (the cells carry their
    # column's name for the phone cards, so "Member" alone would match the cell's label)
    assert ">Secretary</span>" in row and ">Member</span>" in row
    assert '<td data-label="Member">7</td>' in row


def test_create_a_user_with_an_initial_password(client, login, admin, anna_entry, today):
    response = login(admin).post("/admin/users/new", data={
        "email": "Anna@Example.org", "full_name": "Anna Bianchi", "roles": ["member", "board"],
        "member": "7", "active": "y", "password": "initial-password"})
    assert response.status_code == 302
    user = _user("anna@example.org")
    assert user.role_set == {Role.MEMBER, Role.BOARD}
    assert user.member_id == anna_entry.id and user.is_active
    assert user.check_password("initial-password")
    (entry,) = _audit("user.create")
    assert entry.actor_email == "admin@example.org"
    assert entry.object_type == "users" and entry.object_id == str(user.id)
    assert entry.changes["roles"] == [None, ["board", "member"]]
    assert entry.changes["member"] == [None, 7]
    assert "initial-password" not in str(entry.changes)


def test_create_a_user_who_sets_the_password_by_email(client, login, admin, today):
    response = login(admin).post("/admin/users/new", data={
        "email": "luca@example.org", "roles": ["auditor"], "active": "y", "send_reset": "y"})
    assert response.status_code == 302
    user = _user("luca@example.org")
    assert user.password_hash is None
    (message,) = db.session.scalars(sa.select(OutboxMessage)).all()
    assert message.recipient == "luca@example.org" and "/password/reset/" in message.body
    assert [e.action for e in _audit()] == ["user.create", "user.password_reset_sent"]


@pytest.mark.parametrize("data,field,message", [
    ({"email": "admin@example.org", "roles": ["member"], "password": "initial-password"},
     "email", "A user with this email already exists."),
    ({"email": "not-an-email", "roles": ["member"], "password": "initial-password"}, "email", None),
    ({"email": "x@example.org", "roles": [], "password": "initial-password"},
     "roles", "Choose at least one role."),
    ({"email": "x@example.org", "roles": ["chairman"], "password": "initial-password"}, "roles", None),
    ({"email": "x@example.org", "roles": ["member"], "password": "short"},
     "password", "at least 10 characters"),
    ({"email": "x@example.org", "roles": ["member"]}, "send_reset",
     "Give an initial password or choose to email a link."),
    ({"email": "x@example.org", "roles": ["member"], "password": "initial-password", "send_reset": "y"},
     "send_reset", "not both"),
    ({"email": "x@example.org", "roles": ["member"], "password": "initial-password", "member": "999"},
     "member", "There is no member with register number 999."),
])
def test_invalid_new_users_are_refused_next_to_the_field(client, login, admin, data, field, message):
    response = login(admin).post("/admin/users/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = re.search(rf'id="{field}-errors"[^>]*>(.*?)</div>', page, re.S)
    assert errors, page
    if message:
        assert message in errors.group(1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert _audit() == []


def test_a_register_entry_links_to_one_login_only(client, login, admin, user_factory, anna_entry):
    user_factory(email="anna@example.org", roles=["member"], member=anna_entry)
    response = login(admin).post("/admin/users/new", data={
        "email": "other@example.org", "roles": ["member"], "member": "7", "password": "initial-password"})
    assert response.status_code == 422
    assert "Member 7 is already linked to the login anna@example.org." in response.get_data(as_text=True)


def test_edit_roles_member_and_active_flag_is_audited(client, login, admin, user_factory, anna_entry, today):
    user = user_factory(email="anna@example.org", roles=["member"])
    login(admin)
    form = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert 'value="member" checked' in form or 'checked value="member"' in form or \
        re.search(r'<input[^>]*checked[^>]*value="member"', form)
    response = client.post(f"/admin/users/{user.id}", data={
        "full_name": user.full_name, "roles": ["member", "secretary"], "member": "7", "active": "y"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role_set == {Role.MEMBER, Role.SECRETARY} and user.member_id == anna_entry.id
    (entry,) = _audit("user.update")
    assert entry.changes == {"roles": [["member"], ["member", "secretary"]], "member": [None, 7]}
    # Deactivate: the account can no longer log in, and the change is in its history.
    client.post(f"/admin/users/{user.id}", data={"full_name": user.full_name, "roles": ["member", "secretary"],
                                                 "member": "7"})
    db.session.refresh(user)
    assert not user.is_active
    history = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "user.update" in history and "active" in history
    client.post("/logout")
    refused = client.post("/login", data={"email": "anna@example.org", "password": "password-1234"})
    assert refused.status_code == 422


def test_saving_without_changes_writes_no_audit_entry(client, login, admin, user_factory):
    user = user_factory(email="anna@example.org", full_name="Anna", roles=["member"])
    login(admin).post(f"/admin/users/{user.id}", data={"full_name": "Anna", "roles": ["member"], "active": "y"})
    assert _audit() == []


def test_an_admin_cannot_lock_themselves_out(client, login, admin):
    login(admin)
    no_admin = client.post(f"/admin/users/{admin.id}", data={"roles": ["member"], "active": "y"})
    assert no_admin.status_code == 422
    assert "You cannot remove your own administrator role." in no_admin.get_data(as_text=True)
    inactive = client.post(f"/admin/users/{admin.id}", data={"roles": ["admin"]})
    assert inactive.status_code == 422
    assert "You cannot deactivate your own account." in inactive.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role_set == {Role.ADMIN} and admin.is_active


def test_send_a_reset_link_from_the_edit_page(client, login, admin, user_factory):
    user = user_factory(email="anna@example.org", roles=["member"])
    response = login(admin).post(f"/admin/users/{user.id}/password-reset")
    assert response.status_code == 302
    (message,) = db.session.scalars(sa.select(OutboxMessage)).all()
    assert message.recipient == "anna@example.org"
    assert _audit()[0].action == "user.password_reset_sent"


def test_an_unknown_user_is_404(client, login, admin):
    assert login(admin).get("/admin/users/987654").status_code == 404


# --- API ------------------------------------------------------------------------------------

def test_users_through_the_api(api, bearer, admin, anna_entry, today):
    headers = bearer(admin)
    created = api.post("/api/v1/users", headers=headers, json={
        "email": "anna@example.org", "roles": ["member"], "member": 7, "password": "initial-password"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["roles"] == ["member"] and body["member"] == 7 and body["active"] is True
    assert "password" not in body
    patched = api.patch(f"/api/v1/users/{body['id']}", headers=headers, json={"roles": ["member", "board"],
                                                                           "member": None})
    assert patched.status_code == 200
    assert patched.get_json()["roles"] == ["board", "member"] and patched.get_json()["member"] is None
    listed = api.get("/api/v1/users", headers=headers).get_json()
    assert listed["total"] == 2 and [u["email"] for u in listed["items"]] == ["admin@example.org", "anna@example.org"]
    assert [e.action for e in _audit()] == ["user.create", "user.update", "user.privileged_roles_granted"]


def test_granting_board_or_admin_powers_is_told_to_the_others(client, login, admin, user_factory):
    """Nobody gives themself (or anyone) the board's or the administrator's powers silently:
    the other administrators and the board are emailed, and the audit log says so."""
    other_admin = user_factory(email="other.admin@example.org", roles=["admin"])
    board = user_factory(email="board@example.org", roles=["board"])
    secretary = user_factory(email="secretary@example.org", roles=["secretary"])
    login(admin).post(f"/admin/users/{admin.id}", data={"roles": ["admin", "board"], "active": "y",
                                                        "full_name": "Admin"})
    recipients = sorted(m.recipient for m in db.session.scalars(sa.select(OutboxMessage)))
    assert recipients == [board.email, other_admin.email]
    assert secretary.email not in recipients and admin.email not in recipients
    assert "user.privileged_roles_granted" in [e.action for e in _audit()]
    # giving a plain role is not news
    db.session.execute(sa.delete(OutboxMessage))
    login(admin).post(f"/admin/users/{secretary.id}", data={"roles": ["secretary", "auditor"],
                                                            "active": "y", "full_name": "S"})
    assert db.session.scalars(sa.select(OutboxMessage)).all() == []


def test_api_validation_errors_are_per_field(api, bearer, admin):
    headers = bearer(admin)
    response = api.post("/api/v1/users", headers=headers, json={"email": "x@example.org", "roles": ["chairman"]})
    assert response.status_code == 422
    assert response.get_json()["code"] == "validation" and "roles.0" in response.get_json()["errors"]
    missing = api.post("/api/v1/users", headers=headers, json={"email": "x@example.org", "roles": ["member"],
                                                              "member": 999, "password": "initial-password"})
    assert missing.status_code == 422
    assert missing.get_json()["errors"] == {"member": ["There is no member with register number 999."]}
    assert api.patch("/api/v1/users/987654", headers=headers, json={}).status_code == 404
