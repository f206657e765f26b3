"""The demo's assemblies (API.md Bootstrap: "an assembly"): an ordinary assembly held last
spring, closed, with its minutes signed; and one convened two weeks ahead with an agenda,
a document, two proxies and half the receipts confirmed. Everything goes through the
assemblies operations, each step on its own day (the clock is moved to it)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from . import demo_votes
from .assemblies import documents, operations
from .assemblies.models import Minutes, Receipt
from .auth.models import User
from .core import clock
from .extensions import db
from .members.models import Member, MemberStatus

SPRING_ITEMS = (
    ("Approvazione del bilancio dell'esercizio precedente",
     "Il consiglio presenta il bilancio, la nota integrativa e la relazione sulla gestione.\n\n"
     "- risultato d'esercizio\n- destinazione dell'utile a riserva indivisibile"),
    ("Relazione sul prestito sociale", "Andamento della raccolta e rispetto dei limiti di Banca d'Italia."),
    ("Varie ed eventuali", ""),
)
UPCOMING_ITEMS = (
    ("Rinnovo del consiglio di amministrazione", "Elezione dei cinque consiglieri per il triennio."),
    ("Regolamento del prestito sociale: aggiornamento dei tassi",
     "Proposta del consiglio: tasso lordo del **2,50%** sul libero e del **3,25%** sul vincolato."),
    ("Piano delle attività educative per il nuovo anno", "Presentazione dei progetti con le scuole del territorio."),
)


def _at(day: date, hour: int = 10):
    return clock.frozen(datetime.combine(day, time(hour, 0), tzinfo=clock.ROME))


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=clock.ROME)


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def seed(today: date, admin) -> None:
    board, office = _user("cda@demo.coop"), _user("segreteria@demo.coop")
    _spring(today, board, office)
    _upcoming(today, board, office)


def _spring(today: date, board, office) -> None:
    year = today.year if today >= date(today.year, 6, 1) else today.year - 1
    held = date(year, 4, 28)
    with _at(held - timedelta(days=30)):
        assembly = operations.create_assembly({
            "kind": "ordinary", "title": f"Assemblea ordinaria di primavera {year}",
            "first_call_at": _moment(held - timedelta(days=1), 7), "second_call_at": _moment(held, 18),
            "place": "Sala civica, piazza Vittoria 1, Melegnano (MI)"}, board)
        for title, description in SPRING_ITEMS:
            operations.add_item(assembly, {"title": title, "description": description}, board)
        demo_votes.spring_agenda(assembly, board)  # votes: the mission motion
        operations.publish(assembly, board)
    with clock.frozen(_moment(held, 18) + timedelta(minutes=10)):
        operations.open_session(assembly, "second", office)
        operations.designate(assembly, {"chair_name": "Presidente del consiglio di amministrazione",
                                        "secretary_name": "Segreteria soci", "scrutineers": ""}, office)
        voters = db.session.scalars(sa.select(Member).where(Member.status == MemberStatus.ACTIVE)
                                    .order_by(Member.number).limit(60)).all()
        for member in voters[::2]:
            operations.check_in(assembly, member, office)
        demo_votes.spring_vote(assembly, office)  # votes: the room vote approving it
        for item, summary in zip(assembly.items, (
                "Il bilancio è approvato a maggioranza; l'utile è destinato a riserva indivisibile.",
                "L'assemblea prende atto della relazione.", "Nessun intervento.")):
            item.summary = summary
        clock.set_now(_moment(held, 20))
        operations.close_session(assembly, office)
    with _at(held + timedelta(days=3)):
        minutes = db.session.get(Minutes, assembly.id)
        signed = documents.minutes_pdf(assembly, minutes)  # stands for the signed scan
        operations.sign_minutes(assembly, "verbale-firmato.pdf", signed, office)


def _upcoming(today: date, board, office) -> None:
    first = today + timedelta(days=14)
    with _at(today - timedelta(days=2)):
        assembly = operations.create_assembly({
            "kind": "ordinary", "title": "Assemblea ordinaria dei soci",
            "first_call_at": _moment(first, 7), "second_call_at": _moment(first + timedelta(days=1), 18),
            "place": "Sede della cooperativa, via Roma 12, Melegnano (MI)",
            "online_link": "https://meet.example.org/arti-e-mestieri-assemblea"}, board)
        for title, description in UPCOMING_ITEMS:
            operations.add_item(assembly, {"title": title, "description": description}, board)
        rates = next(i for i in assembly.items if i.title.startswith("Regolamento"))
        operations.attach_document(rates, "proposta-tassi.pdf", _proposal_pdf(), board)
        demo_votes.upcoming_agenda(assembly, board)  # votes: a mission motion in the notice
        operations.publish(assembly, board)
    with _at(today - timedelta(days=1)):
        members = db.session.scalars(sa.select(Member).where(
            Member.status == MemberStatus.ACTIVE, Member.admitted_on <= first - timedelta(days=120),
            Member.category != "legal_person").order_by(Member.number)).all()
        barred = {u.member_id for u in db.session.scalars(sa.select(User).where(User.member_id.is_not(None)))}
        plain = [m for m in members if m.id not in barred]
        if len(plain) >= 4:
            operations.give_proxy(assembly, plain[0], plain[1], office)
            operations.give_proxy(assembly, plain[2], plain[1], office)
        receipts = db.session.scalars(sa.select(Receipt).where(Receipt.assembly_id == assembly.id)
                                      .order_by(Receipt.id)).all()
        for receipt in receipts[::2]:
            receipt.confirmed_at = clock.now()
        db.session.flush()
        demo_votes.upcoming_discussion(assembly, board)  # votes: amendments, comments, ballots


def _proposal_pdf() -> bytes:
    from .core.pdf import Document
    document = Document("Proposta di aggiornamento dei tassi del prestito sociale")
    document.paragraph("Il consiglio di amministrazione propone all'assemblea i tassi lordi annui seguenti: "
                       "prestito libero 2,50%; prestito vincolato 3,25%, dal 1 gennaio.")
    return bytes(document.output())
