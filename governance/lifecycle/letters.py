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
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from ..core.money import format_eur
from ..core.pdf import Document
from ..members.models import Member
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


def admission_letter(application, member: Member, share_value: Decimal) -> bytes:
    """The letter of admission (art. 2528 c.c.: the admission is communicated to the
    applicant), in the applicant's language."""
    with force_locale(application.locale or "it"):
        pdf = Document(_("Letter of admission"))
        pdf.paragraph(format_date(member.admitted_on, "long"))
        addressee = member.full_name
        if member.legal_representative:
            addressee += "\n" + _("attn. %(name)s, legal representative", name=member.legal_representative)
        if member.address:
            addressee += "\n" + member.address
        pdf.paragraph(addressee)
        pdf.paragraph(_("Subject: admission as a member"), style="B")
        pdf.paragraph(_(
            "We are pleased to inform you that the board of directors, at its meeting of "
            "%(date)s, admitted you as a member of the cooperative in the category "
            "\"%(category)s\" (art. 2528 of the Civil Code).",
            date=format_date(application.decided_on, "long"), category=member.category.label))
        pdf.table([_("Register number"), _("Admission date"), _("Shares subscribed"), _("Amount due")],
                  [[str(member.number), format_date(member.admitted_on, "short"),
                    f"{member.shares_subscribed} x {format_eur(share_value)}",
                    format_eur(rules.amount_due(member.shares_subscribed, share_value))]],
                  widths=[40, 40, 55, 45], size=9)
        pdf.ln(3)
        pdf.paragraph(_(
            "Your entry in the member register is number %(number)d. The shares you subscribed "
            "are paid to the cooperative as the secretary will tell you; each payment is "
            "recorded in the register.", number=member.number))
        pdf.paragraph(_(
            "Your account on the cooperative's platform is ready: activate it with the link in "
            "the email that came with this letter, then log in with your email and the "
            "password you chose when applying. You will find your entry, the assemblies and "
            "your votes there."))
        pdf.paragraph(_(
            "You may vote in the assemblies once you have been in the register for "
            "%(days)d days (art. 2538 of the Civil Code).",
            days=value_on("voting_seniority_days", member.admitted_on)))
        pdf.paragraph(_("Welcome to the cooperative."))
        pdf.paragraph(_("For the board of directors"), style="B")
        return pdf.to_bytes()
