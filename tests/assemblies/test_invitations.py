"""Inviting members without a login: logins created inactive with the member role, one
email each rendered by the worker with the activation link, idempotent within 7 days,
audited; the activation page makes them choose a password; a convocation to an invited
member carries the link; `flask users invite --all-members`."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from governance.assemblies import invitations, operations
from governance.auth.models import User
from governance.core import clock
from governance.core.audit import AuditEntry
from governance.core.outbox import OutboxMessage, deliver_due
from governance.extensions import db
from tests import factories


def _invitation_emails() -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic.like("invitation:%"))
                              .order_by(OutboxMessage.id)).all()


def test_invite_all_is_idempotent_for_seven_days(today, board_user):
    members = [factories.MemberFactory() for _ in range(3)]
    factories.MemberFactory(email=None)  # nobody to write to
    factories.UserFactory(roles=["member"], member=factories.MemberFactory())  # already has a login
    counts = invitations.invite(board_user)
    assert (counts["invited"], counts["reinvited"], counts["queued"]) == (3, 0, 3)
    users = db.session.scalars(sa.select(User).where(User.member_id.in_([m.id for m in members]))).all()
    assert all(not u.is_active_account and u.password_hash is None and u.has_role("member") for u in users)
    assert invitations.invite(board_user) == {"invited": 0, "reinvited": 0, "queued": 0}
    clock.advance(days=7, minutes=1)
    assert invitations.invite(board_user)["reinvited"] == 3
    assert len(_invitation_emails()) == 6
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "users.invite")) == 3


def test_a_selection_and_the_activation(today, client, board_user):
    chosen, other = factories.MemberFactory(), factories.MemberFactory()
    invitations.invite(board_user, numbers=[chosen.number])
    assert db.session.scalar(sa.select(User).where(User.member_id == other.id)) is None
    deliver_due()
    message = _invitation_emails()[0]
    assert message.recipient == chosen.email and "/activate/" in message.body
    path = message.body[message.body.index("/activate/"):].split()[0]
    assert client.get(path).status_code == 200
    no_password = client.post(path, data={"password": "", "password_confirm": ""})
    assert no_password.status_code == 422
    client.post(path, data={"password": "una-password-lunga-2026", "password_confirm": "una-password-lunga-2026"})
    user = db.session.scalar(sa.select(User).where(User.member_id == chosen.id))
    assert user.is_active_account and user.password_hash


def test_the_convocation_of_an_invited_member_carries_the_activation_link(today, make_assembly, board,
                                                                          board_user, voters):
    person = voters(1)[0]
    invitations.invite(board_user)
    assembly = make_assembly()
    operations.publish(assembly, board)
    deliver_due()
    message = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.topic == f"convocation:{assembly.id}:{person.id}"))
    assert "/activate/" in message.body and "/assemblies/receipt/" in message.body


def test_the_command(app, today):
    factories.MemberFactory()
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["users", "invite", "--all-members"])
    assert result.exit_code == 0 and "invited 1" in result.output
    assert app.test_cli_runner().invoke(args=["users", "invite"]).exit_code != 0


def test_the_board_page(client, login, board_user, today):
    factories.MemberFactory()
    login(board_user)
    assert client.get("/assemblies/invitations").status_code == 200
    assert client.post("/assemblies/invitations", data={"numbers": "abc"}).status_code == 422
    client.post("/assemblies/invitations", data={"numbers": ""})
    assert len(_invitation_emails()) == 1
