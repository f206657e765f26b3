"""Documents of the lifecycle: the admission letter (PDF, attached to the welcome
email) and the statute and privacy notice an applicant accepts (page and PDF).

The statute and privacy texts are the cooperative's own documents, in Italian; the
ones in templates/applications/documents/ are placeholders marked "testo da
sostituire" until the cooperative supplies the approved texts.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.formatting import day, money
from ..core.money import format_eur
from ..core.pdf import Document
from ..members.models import Category, Member
from ..members.queries import voting_right_from
from ..statute.queries import value_on
from . import rules

DOCUMENTS = {
    "statuto": ("lifecycle/documents/statuto.txt", "Statuto (estratto)"),
    "privacy": ("lifecycle/documents/privacy.txt", "Informativa privacy"),
}


def document_text(name: str, on: date | None = None) -> str:
    template, _title = DOCUMENTS[name]
    return render_template(
        template, cooperative_name=current_app.config["COOPERATIVE_NAME"],
        share_value=format_eur(value_on("share_value", on)),
        min_shares=value_on("min_shares_per_member", on),
        contact_email=current_app.config.get("MAIL_SENDER", ""))


def document_title(name: str) -> str:
    return DOCUMENTS[name][1]


def document_pdf(name: str) -> bytes:
    pdf = Document(document_title(name))
    for block in document_text(name).split("\n\n"):
        lines = block.strip().split("\n", 1)
        if len(lines) == 2 and len(lines[0]) < 80:
            pdf.paragraph(lines[0], style="B")
            pdf.paragraph(lines[1])
        else:
            pdf.paragraph(block.strip())
    return pdf.to_bytes()


def addressee_lines(member: Member) -> str:
    """The addressee block: "Spett.le" before a legal person (with its representative),
    "Gentile" before a person (in Italian; other languages their own forms)."""
    if member.category == Category.LEGAL_PERSON:
        lines = [_("To %(name)s", name=member.full_name)]
        if member.legal_representative:
            lines.append(_("attn. %(name)s, legal representative", name=member.legal_representative))
    else:
        lines = [_("Dear %(name)s", name=member.full_name)]
    if member.address:
        lines.append(member.address)
    return "\n".join(lines)


def payment_details(reference: str) -> str:
    """How to pay the shares, from the settings (empty without PAYMENT_IBAN)."""
    iban = current_app.config.get("PAYMENT_IBAN")
    if not iban:
        return ""
    return _("Pay the shares by bank transfer to IBAN %(iban)s, reference \"%(reference)s\".",
             iban=iban, reference=reference)


def member_reference(member: Member) -> str:
    return _("shares member no. %(number)d %(name)s", number=member.number, name=member.full_name)


def admission_letter(application, member: Member, share_value: Decimal) -> bytes:
    """The letter of admission (art. 2528 c.c.: the admission is communicated to the
    applicant), in the applicant's language: letterhead, place and date, addressee,
    dates rather than terms, the payment details, the signatory."""
    with force_locale(application.locale or "it"):
        pdf = Document(_("Letter of admission"))
        pdf.letterhead(member.admitted_on)
        pdf.paragraph(addressee_lines(member))
        pdf.ln(2)
        pdf.paragraph(_("Subject: admission as a member"), style="B")
        pdf.paragraph(_(
            "We are pleased to inform you that the board of directors, at its meeting of "
            "%(date)s, admitted you as a member of the cooperative in the category "
            "\"%(category)s\" (art. 2528 of the Civil Code).",
            date=day(application.decided_on, "long"), category=member.category.label))
        amount = rules.amount_due(member.shares_subscribed, share_value)
        pdf.table([_("Register number"), _("Admission date"), _("Shares subscribed"), _("Amount due")],
                  [[str(member.number), day(member.admitted_on),
                    f"{member.shares_subscribed} × {money(share_value)}", money(amount)]],
                  widths=[40, 40, 55, 45], size=9)
        pdf.ln(3)
        pdf.paragraph(_(
            "Your entry in the member register is number %(number)d. The shares you subscribed "
            "are paid to the cooperative as the secretary will tell you; each payment is "
            "recorded in the register.", number=member.number))
        payment = payment_details(member_reference(member))
        if payment:
            pdf.paragraph(payment)
        pdf.paragraph(_(
            "Your account on the cooperative's platform is ready: activate it with the link in "
            "the email that came with this letter, then log in with your email and the "
            "password you chose when applying. You will find your entry, the assemblies and "
            "your votes there."))
        voting_from = voting_right_from(member)
        if voting_from is not None:
            pdf.paragraph(_(
                "You may vote in the assemblies from %(date)s, after %(days)d days in the register "
                "(art. 2538 of the Civil Code).", date=day(voting_from, "long"),
                days=(voting_from - member.admitted_on).days))
        pdf.paragraph(_("Welcome to the cooperative."))
        pdf.signature(_("For the board of directors"))
        return pdf.to_bytes()
