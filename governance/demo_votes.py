"""The demo's motions (API.md Bootstrap: "a mission motion"), through the votes operations
on the days of the demo's assemblies (demo_assemblies calls these hooks):

- last spring's assembly approved a mission change by a room vote, so the mission has two
  versions and the minutes name who voted against and who abstained;
- the upcoming assembly carries a mission motion voted also by correspondence: an
  amendment admitted by the board (and one not admitted), comments, and correspondence
  ballots already cast.
"""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from .assemblies import operations as assembly_operations
from .assemblies.models import RollEntry
from .extensions import db
from .members.models import Member, MemberStatus
from .votes import operations, queries

MISSION_ITEM = ("Aggiornamento della carta d'identità della cooperativa (mission)",
                "Il consiglio propone di aggiornare la carta d'identità in cinque punti: il testo a confronto "
                "è nella pagina della mozione.")


def _revised(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        if old in text:
            text = text.replace(old, new, 1)
    return text


def _member_actor(member: Member):
    """A member acting through the demo (no login): audited without an actor."""
    return SimpleNamespace(id=None, email=None, member_id=member.id, member=member,
                           display_name=member.full_name)


def spring_agenda(assembly, board) -> None:
    """Before the spring convocation: the mission item and its motion."""
    item = assembly_operations.add_item(assembly, {"title": MISSION_ITEM[0], "description": MISSION_ITEM[1]},
                                        board)
    current = queries.current_mission().text
    proposed = _revised(current,
                        ("provincia sud-est di Milano", "provincia sud-est di Milano e nei comuni vicini"),
                        ("nei nostri oltre 20 anni di attività", "nei nostri oltre 30 anni di attività"))
    operations.create_motion(item, {
        "title": "Aggiornamento della mission: territorio e anni di attività", "subject": "mission",
        "rationale": "Il testo del 1994 parla di «oltre 20 anni»: li abbiamo superati da tempo, e lavoriamo "
                     "anche nei comuni vicini.", "proposed_text": proposed, "secret": False}, board)


def spring_vote(assembly, office) -> None:
    """During the spring session, after the check-in: a room vote on the mission motion."""
    motion = next(m for m in queries.motions_of_assembly(assembly) if m.subject.value == "mission")
    operations.open_vote(motion, office)
    present = db.session.scalars(sa.select(Member.number).join(RollEntry, RollEntry.member_id == Member.id)
                                 .where(RollEntry.assembly_id == assembly.id).order_by(Member.number)).all()
    in_room = queries.attendance_now(assembly).present_numbers
    here = [n for n in present if n in in_room]
    operations.record_room_vote(motion, here[1:3], here[3:4], office)
    operations.close_vote(motion, office)


def upcoming_agenda(assembly, board) -> None:
    """Before the upcoming convocation: a mission motion whose text is in the notice, so
    members may vote on it by correspondence."""
    item = assembly_operations.add_item(assembly, {"title": MISSION_ITEM[0], "description": MISSION_ITEM[1]},
                                        board)
    current = queries.current_mission().text
    proposed = _revised(current, (
        "L’associatura è volontaria",
        "La partecipazione alle assemblee, anche a distanza e con il voto elettronico, è il luogo in cui "
        "ridefiniamo insieme la mission. L’associatura è volontaria"))
    operations.create_motion(item, {
        "title": "La partecipazione dei soci nella carta d'identità", "subject": "mission",
        "rationale": "Scriviamo nella mission come decidiamo insieme: in assemblea, anche a distanza.",
        "proposed_text": proposed, "secret": False, "by_correspondence": True,
        "amendments_until": (assembly.first_call_at - timedelta(days=4)).date().isoformat()}, board)


def upcoming_discussion(assembly, board) -> None:
    """After the convocation: an amendment admitted, one not admitted, comments and a few
    ballots by correspondence."""
    motion = next(m for m in queries.motions_of_assembly(assembly) if m.subject.value == "mission")
    members = db.session.scalars(sa.select(Member).where(Member.status == MemberStatus.ACTIVE)
                                 .order_by(Member.number)).all()
    voters = [m for m in members if queries.on_roll(assembly, m.id)][:12]
    if len(voters) < 8:
        return
    amended = motion.proposed_text.replace("anche a distanza e con il voto elettronico",
                                           "in presenza, a distanza e con il voto elettronico")
    admitted = operations.propose_amendment(motion, voters[0], {
        "proposed_text": amended, "rationale": "La presenza in sala resta il cuore dell'assemblea."}, None)
    operations.decide_amendment(admitted, True, "Chiarisce il testo senza cambiarne il senso.", board)
    other = operations.propose_amendment(motion, voters[1], {
        "proposed_text": motion.proposed_text + "\n\n6. Ogni socio riceve un tablet.",
        "rationale": "Per votare da casa."}, None)
    operations.decide_amendment(other, False, "Non riguarda la mission ma una spesa: va proposto al "
                                              "consiglio come investimento.", board)
    for member, body in ((voters[2], "Bene: **finalmente** scriviamo come decidiamo."),
                         (voters[3], "Chiederei di non perdere il riferimento al *territorio*."),
                         (voters[4], "D'accordo con l'emendamento sulla presenza in sala.")):
        operations.add_comment(motion, _member_actor(member), body)
    for member, choice in zip(voters[5:9], ("yes", "yes", "no", "abstain")):
        operations.cast_ballot(motion.id, _member_actor(member), choice)
