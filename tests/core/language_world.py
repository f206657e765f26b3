"""The demo cooperative in every state a page or an email can show, for the language
tests: the demo (governance/demo*.py) has a closed assembly with signed minutes, a
convened one with proxies, documents and a motion voted by correspondence, loans with
statements and two mission versions. What it lacks is made here through the domain
operations (never raw SQL): a draft assembly, an assembly in session with open and
closed votes (open ballot and secret, approved and rejected), a first statute-text
version, a closed loan account, and every email the platform can send."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from governance.assemblies import invitations, operations as assemblies
from governance.assemblies.models import AgendaDocument, Assembly, AssemblyStatus, Proxy, Receipt
from governance.assemblies.notifications import receipt_token
from governance.auth import operations as auth
from governance.auth.models import User
from governance.core import clock
from governance.core.permissions import Role
from governance.extensions import db
from governance.lifecycle import access as applicant_access
from governance.lifecycle import operations as lifecycle
from governance.lifecycle.models import (Application, ApplicationStatus, WithdrawalRequest,
                                         WithdrawalStatus)
from governance.loans import operations as loans
from governance.loans.models import AccountStatus, LoanAccount
from governance.members.models import Member, MemberStatus
from governance.votes import operations as votes
from governance.votes.models import Motion, MotionStatus, SecretBallot

# The words people type in these operations (data, like the demo's own).
TYPED = ("Modifica dell'oggetto sociale", "Elezione del collegio sindacale", "Assemblea straordinaria dei soci",
         "Sala del consiglio, via Roma 12, Melegnano (MI)", "Requisiti mancanti", "Chiedo che decida l'assemblea",
         "Morosità", "Trasferimento altrove", "Nomina del revisore", "Scelta della sede")


@dataclass
class States:
    """The ids of the objects in each state, as URL arguments: one dict per state
    (`_only` limits a dict to the endpoints whose name starts with one of its prefixes)."""
    variants: list[dict] = field(default_factory=list)
    extra_urls: list[str] = field(default_factory=list)
    ids: dict = field(default_factory=dict)  # the objects the forms are posted to


def _at(day: date, hour: int = 10):
    return clock.frozen(datetime.combine(day, time(hour, 0), tzinfo=clock.ROME))


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=clock.ROME)


def _as_member(member: Member):
    return SimpleNamespace(id=None, email=None, member_id=member.id, member=member, display_name=member.full_name)


def _active_members() -> list[Member]:
    return db.session.scalars(sa.select(Member).where(Member.status == MemberStatus.ACTIVE)
                              .order_by(Member.number)).all()


def _draft_assembly(board) -> Assembly:
    today = clock.today()
    assembly = assemblies.create_assembly({
        "kind": "extraordinary", "title": "Assemblea straordinaria dei soci",
        "first_call_at": _moment(today + timedelta(days=40), 9),
        "second_call_at": _moment(today + timedelta(days=41), 18),
        "place": "Sala del consiglio, via Roma 12, Melegnano (MI)"}, board)
    item = assemblies.add_item(assembly, {"title": "Modifica dell'oggetto sociale", "description": ""}, board)
    votes.create_motion(item, {"title": "Modifica dell'oggetto sociale", "subject": "statute_other",
                               "proposed_text": "Art. 4 - La cooperativa ha per oggetto l'inserimento lavorativo.",
                               "by_correspondence": True, "secret": False}, board)
    return assembly


def _session(users) -> tuple[Assembly, dict]:
    """An extraordinary assembly convened three weeks ago, its session open this morning:
    the statute purpose changed by a room vote (a first statute-text version), a secret
    election closed, a secret vote and an open-ballot vote still open."""
    board, office = users[Role.BOARD], users[Role.SECRETARY]
    today = clock.today()
    with _at(today - timedelta(days=21)):
        assembly = assemblies.create_assembly({
            "kind": "extraordinary", "title": "Assemblea straordinaria per lo statuto",
            "first_call_at": _moment(today, 8), "second_call_at": _moment(today + timedelta(days=1), 18),
            "place": "Sala del consiglio, via Roma 12, Melegnano (MI)"}, board)
        purpose = assemblies.add_item(assembly, {"title": "Modifica dell'oggetto sociale", "description": ""}, board)
        election = assemblies.add_item(assembly, {"title": "Elezione del collegio sindacale", "description": ""},
                                       board)
        other = assemblies.add_item(assembly, {"title": "Nomina del revisore", "description": ""}, board)
        statute = votes.create_motion(purpose, {
            "title": "Modifica dell'oggetto sociale", "subject": "statute_purpose",
            "proposed_text": "Art. 3 - La cooperativa persegue l'interesse generale della comunità.",
            "secret": False}, board)
        assemblies.publish(assembly, board)
    members = [m for m in _active_members() if m.category.value != "legal_person"]
    with _at(today - timedelta(days=2)):
        plain = [m for m in members if m.email and m.id not in {u.member_id for u in db.session.scalars(
            sa.select(User).where(User.member_id.is_not(None)))}]
        proxy = assemblies.give_proxy(assembly, plain[0], plain[1], office)
        declined = assemblies.give_proxy(assembly, plain[2], plain[3], office)
        assemblies.decline_proxy(declined, office)
    assemblies.open_session(assembly, "first", office)
    assemblies.designate(assembly, {"chair_name": "Presidente del consiglio di amministrazione",
                                    "secretary_name": "Segreteria soci", "scrutineers": ""}, office)
    own = users[Role.MEMBER].member
    present = [m for m in members if m.id != plain[0].id][:40]
    if own not in present:
        present.append(own)
    for member in present:
        assemblies.check_in(assembly, member, office)
    votes.open_vote(statute, office)
    votes.record_room_vote(statute, [], [present[5].number], office)
    votes.close_vote(statute, office)
    secret_closed = votes.create_motion(election, {"title": "Elezione del collegio sindacale", "subject": "election",
                                                   "secret": True}, board)
    votes.open_vote(secret_closed, office)
    for member, choice in zip(present[:4], ("no", "no", "yes", "abstain")):
        votes.cast_ballot(secret_closed.id, _as_member(member), choice)
    votes.close_vote(secret_closed, office)  # too few ballots: rejected
    secret_open = votes.create_motion(other, {"title": "Nomina del revisore", "subject": "election",
                                              "secret": True}, board)
    votes.open_vote(secret_open, office)
    votes.cast_ballot(secret_open.id, _as_member(present[0]), "yes")
    open_ballot = votes.create_motion(other, {"title": "Scelta della sede", "subject": "other", "secret": False},
                                      board)
    votes.open_vote(open_ballot, office)
    votes.cast_ballot(open_ballot.id, _as_member(present[1]), "no")
    return assembly, {"statute": statute, "secret_closed": secret_closed, "secret_open": secret_open,
                      "open_ballot": open_ballot, "proxy": proxy, "declined": declined}


def build(users) -> States:
    """Every state: the demo's objects plus the ones made here; the ids as URL variants."""
    board = users[Role.BOARD]
    draft = _draft_assembly(board)
    in_session, motions = _session(users)
    closed, convened = (db.session.scalar(sa.select(Assembly).where(Assembly.status == status).order_by(Assembly.id))
                        for status in (AssemblyStatus.CLOSED, AssemblyStatus.CONVENED))
    account = db.session.scalar(sa.select(LoanAccount).where(LoanAccount.status == AccountStatus.OPEN)
                                .order_by(LoanAccount.id.desc()))
    loans.close_account(account, clock.today(), board, cause="request")
    member_user = users[Role.MEMBER]
    own_account = db.session.scalar(sa.select(LoanAccount.id).where(LoanAccount.member_id == member_user.member_id)
                                    .order_by(LoanAccount.id))
    states = States()
    for assembly in (closed, convened, in_session, draft):
        item = assembly.items[0]
        document = db.session.scalar(sa.select(AgendaDocument.id).join(AgendaDocument.item)
                                     .where(AgendaDocument.item.has(assembly_id=assembly.id)))
        proxy = db.session.scalar(sa.select(Proxy.id).where(Proxy.assembly_id == assembly.id).order_by(Proxy.id))
        states.variants.append({"assembly_id": assembly.id, "item_id": item.id, "document_id": document or 0,
                                "proxy_id": proxy or 0,
                                "_only": ("assemblies.", "votes.assembly_votes", "votes.new_motion")})
    for motion in db.session.scalars(sa.select(Motion).order_by(Motion.id)):
        states.variants.append({"motion_id": motion.id, "_only": ("votes.motion", "votes.receipts")})
    for number in (1, 2):
        states.variants.append({"number": number, "_only": ("votes.mission_version",)})
    for document in ("statute_purpose", "statute_other"):
        states.variants.append({"document": document, "number": 1, "_only": ("votes.statute",)})
    for account_id in (own_account, account.id):
        states.variants.append({"account_id": account_id, "_only": ("loans.",)})
    # Links people receive: a receipt, a password reset, an applicant's reset.
    receipt = db.session.scalar(sa.select(Receipt).where(Receipt.assembly_id == convened.id,
                                                         Receipt.confirmed_at.is_(None)).order_by(Receipt.id))
    states.variants.append({"token": receipt_token(receipt), "_only": ("assemblies.confirm_receipt",)})
    states.variants.append({"token": auth.password_reset_token(users[Role.ADMIN]), "_only": ("auth.reset_password",)})
    applicant = db.session.scalar(sa.select(Application).where(  # the last: the others are decided later
        Application.status == ApplicationStatus.SUBMITTED, Application.password_hash != "")
        .order_by(Application.id.desc()))
    if applicant is not None:
        states.variants.append({"token": applicant_access.reset_token(applicant),
                                "_only": ("lifecycle.applicant_reset",)})
    correspondence = db.session.scalar(sa.select(Motion.id).where(Motion.by_correspondence.is_(True),
                                                                  Motion.status == MotionStatus.DRAFT))
    states.ids = {"assemblies": {"closed": closed.id, "convened": convened.id, "in_session": in_session.id,
                                 "draft": draft.id},
                  "motions": {**{name: motion.id for name, motion in motions.items()
                                 if isinstance(motion, Motion)}, "correspondence": correspondence},
                  "own_account": own_account, "draft_item": draft.items[0].id,
                  "convened_item": convened.items[0].id}
    year = clock.today().year - 1
    secret = motions["secret_closed"].id
    receipt_code = db.session.scalar(sa.select(SecretBallot.receipt).where(SecretBallot.motion_id == secret)
                                     .order_by(SecretBallot.receipt))
    states.extra_urls += [f"/loans/{own_account}/statement?year={year}", ("/votes?show=all", {"board"}),
                          (f"/motions/{secret}/receipts?receipt={receipt_code}", {"member"}),
                          (f"/motions/{secret}/receipts?receipt=AAAA-AAAA-AA", {"member"}),
                          (f"/motions/{secret}/receipts?receipt=x", {"member"}),
                          (f"/assemblies/{in_session.id}/session?q=a", {"secretary"}),
                          (f"/assemblies/{in_session.id}/session?q=a&fragment=search", {"secretary"}),
                          (f"/assemblies/{in_session.id}/quorum?fragment=1", {"secretary"}),
                          (f"/votes/items/{draft.items[0].id}/motions/new?subject=statute_purpose", {"board"}),
                          (f"/votes/items/{draft.items[0].id}/motions/new?subject=election", {"board"}),
                          (f"/loans?member={users[Role.MEMBER].member.number}", {"secretary"})]
    return states


def every_kind_of_email(users) -> list[dict]:
    """Each operation that writes to people, once (the demo already queued convocations,
    statements, the mission's new version, withdrawal requests and new applications):
    admission, refusal, appeal and its decision, a share payment, a withdrawal decided,
    an exclusion, share refunds falling due, the board's digest, a duplicate application,
    an application from a member, a new activation link, password resets (login and
    applicant), invitations to members without a login. Returns the URL arguments of the
    links these emails carry (an activation link)."""
    from governance.lifecycle import notifications as lifecycle_notifications
    board = users[Role.BOARD]
    today = clock.today()
    waiting = list(db.session.scalars(sa.select(Application).where(
        Application.status == ApplicationStatus.SUBMITTED).order_by(Application.id)))
    lifecycle.decide_application(waiting[0], {"outcome": "admitted", "decided_on": today}, board)
    lifecycle.decide_application(waiting[1], {"outcome": "rejected", "reasons": "Requisiti mancanti.",
                                              "decided_on": today}, board)
    waiting[1].notice_sent_on = today
    appeal = lifecycle.lodge_appeal(waiting[1], "Chiedo che decida l'assemblea.")
    lifecycle.record_appeal_decision(appeal, {"outcome": "rejected", "decided_on": today}, board)
    lifecycle.resend_activation(waiting[0])
    member = waiting[0].member
    lifecycle.record_share_payment(member, {"amount": "25.00", "paid_on": today}, board)
    request = db.session.scalar(sa.select(WithdrawalRequest).where(
        WithdrawalRequest.status == WithdrawalStatus.PENDING).order_by(WithdrawalRequest.id))
    lifecycle.decide_withdrawal(request, {"outcome": "accepted", "decided_on": today}, board)
    other = db.session.scalar(sa.select(Member).where(Member.status == MemberStatus.ACTIVE,
                                                      Member.id != member.id, Member.id != request.member_id)
                              .order_by(Member.number.desc()))
    lifecycle.record_exit(other, {"kind": "exclusion", "date": today, "reasons": "Morosità."}, board)
    last_year = db.session.scalar(sa.select(Member).where(
        Member.status == MemberStatus.ACTIVE, Member.email.is_not(None), Member.category != "legal_person",
        Member.id.not_in([member.id, other.id, request.member_id]),
        Member.admitted_on < date(today.year - 1, 1, 1)).order_by(Member.number.desc()))
    lifecycle.record_exit(last_year, {"kind": "death", "date": date(today.year - 1, 12, 1)}, board)
    lifecycle.record_accounts_approval({"year": today.year - 1, "approved_on": today}, board)
    lifecycle.send_board_digest(today - timedelta(days=3))
    if len(waiting) > 2:
        lifecycle_notifications.duplicate_application(waiting[2], attempted_email="altro@example.org")
    lifecycle_notifications.application_from_a_member(member, attempted_email="altro@example.org")
    if len(waiting) > 2 and waiting[2].password_hash:
        lifecycle.request_applicant_password_reset(waiting[2].email)
    auth.request_password_reset("socio@demo.coop")
    invitations.invite(users[Role.ADMIN])
    db.session.flush()
    # the welcome email's link, as the newly admitted member opens it
    return [{"token": applicant_access.activation_token(db.session.get(User, waiting[0].user_id), waiting[0].id),
             "_only": ("lifecycle.activate",)}]
