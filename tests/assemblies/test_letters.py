"""The convocation as a letter and as an email (review of issue 8, items 11 and 12): the
letterhead, place and date on the PDF and on each letter for post; Markdown written as
plain text in the text email; the outbox reads its topics in words and says when a
convocation's text is still to be written."""
from __future__ import annotations

import io

import sqlalchemy as sa
from pypdf import PdfReader

from governance.assemblies import documents, operations
from governance.core.formatting import day
from governance.core.outbox import OutboxMessage, deliver_due, topic_label
from governance.extensions import db
from tests import factories


def _pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_markdown_reads_as_plain_text():
    text = documents.plain_text("Tasso lordo del **2,50%**, *annuo*.\n\n- uno\n- [due](https://x.it)\n\n1. primo")
    assert text == "Tasso lordo del 2,50%, annuo.\n\n- uno\n- due (https://x.it)\n\n1. primo"


def test_a_loose_list_keeps_its_blank_lines():
    assert documents.plain_text("1. Primo.\n\n2. Secondo.") == "1. Primo.\n\n2. Secondo."


def test_the_convocation_email_has_no_markdown_marks(app, today, make_assembly, board, voters):
    voters(1)
    assembly = make_assembly()
    operations.publish(assembly, board)
    _subject, text = documents.convocation_text(assembly)
    assert "Testo importante" in text and "**" not in text
    deliver_due()
    body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.topic.like("convocation:%")))
    assert "Testo importante" in body and "**" not in body


def test_the_convocation_pdf_is_a_letter_with_letterhead_place_and_date(app, client, login, today, make_assembly,
                                                                         board, voters, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_SIGNATORY", "Il Presidente del CdA, Mario Rossi")
    voters(1)
    postal = factories.MemberFactory(email=None, address="Via Verdi 3, Milano")
    assembly = make_assembly()
    operations.publish(assembly, board)
    login(board)
    with app.test_request_context():
        from flask_babel import force_locale
        with force_locale("it"):
            dated = f"Melegnano, {day(assembly.published_on, 'long')}"
    (page,) = _pdf_pages(client.get(f"/assemblies/{assembly.id}/convocation.pdf").data)
    for words in ("Via Roma 1, 20077 Melegnano", "00743110157", "A123456", dated, "Mario Rossi"):
        assert words in page, words
    letters = _pdf_pages(client.get(f"/assemblies/{assembly.id}/letters.pdf").data)
    assert letters and all("00743110157" in letter and dated in letter for letter in letters)
    assert any(postal.last_name in letter and "Via Verdi 3" in letter for letter in letters)


def test_the_outbox_reads_convocation_topics_and_says_the_text_comes_at_sending(
        client, login, today, make_assembly, board, voters, admin_user):
    person = voters(1)[0]
    assembly = make_assembly(title="Assemblea di primavera")
    operations.publish(assembly, board)
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic.like("convocation:%")))
    assert message.body == "" and message.deferred
    label = topic_label(message.topic)
    assert "Assemblea di primavera" in label and f"no. {person.number}" in label
    assert str(assembly.id) + ":" not in label
    login(admin_user)
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "The text is written when the email is sent" in page


def test_mission_and_invitation_topics_read_in_words(app):
    with app.test_request_context():
        assert topic_label("mission_version:3") == "Mission, version 3"
        assert "Other" not in topic_label("invitation:7")
