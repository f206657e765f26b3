"""The register out of the platform: CSV (streamed) and the libro soci as PDF."""
from __future__ import annotations


from flask_babel import gettext as _

from ..core import csvio
from ..core.formatting import day, money
from ..core.pdf import Document
from .importing import HEADER, ITALIAN_CATEGORIES
from .models import Category, MemberStatus
from .queries import RegisterFilter, export_rows

# The import header (so an export can be read back by spreadsheets and tools that
# know it), then what only the register holds.
EXPORT_HEADER = HEADER + ("status", "exit_on", "exit_reason", "shares_paid_amount",
                          "legal_representative")
# The same columns for Italian Excel: the Italian import header and words.
ITALIAN_HEADER = ("numero", "nome", "cognome", "codice_fiscale", "data_nascita", "email",
                  "telefono", "indirizzo", "categoria", "data_ammissione", "quote", "stato",
                  "data_cessazione", "motivo_cessazione", "versato", "rappresentante_legale")
ITALIAN_STATUSES = {MemberStatus.ACTIVE: "attivo", MemberStatus.WITHDRAWN: "receduto",
                    MemberStatus.EXCLUDED: "escluso", MemberStatus.DECEASED: "deceduto",
                    MemberStatus.LAPSED: "decaduto"}


def csv_lines(register_filter: RegisterFilter | None = None, form: str = csvio.PLAIN):
    """The register as CSV text, chunk by chunk (for a streamed response)."""
    italian = form == csvio.EXCEL

    def rows():
        for row in export_rows(register_filter):
            yield (row.number, row.first_name, row.last_name, row.tax_code, row.birth_date,
                   row.email, row.phone, row.address,
                   ITALIAN_CATEGORIES[row.category] if italian else row.category,
                   row.admitted_on, row.shares_subscribed,
                   ITALIAN_STATUSES[row.status] if italian else row.status,
                   row.exit_on, row.exit_reason, row.shares_paid_amount, row.legal_representative)
    return csvio.lines(ITALIAN_HEADER if italian else EXPORT_HEADER, rows(), form)


# Landscape A4 leaves 277 mm between the margins.
PDF_WIDTHS = [12, 46, 30, 17, 55, 20, 17, 12, 18, 50]


def _pdf_row(row) -> list[str]:
    if row.category == Category.LEGAL_PERSON:
        name = row.last_name
        if row.legal_representative:
            name += f" ({_('rep.')} {row.legal_representative})"
    else:
        name = f"{row.last_name} {row.first_name}".strip()
    exit_text = ""
    if row.exit_on:
        kind = row.exit_kind.label if row.exit_kind else ""
        exit_text = " ".join(part for part in (day(row.exit_on), ": ".join(
            p for p in (kind, row.exit_reason or "") if p)) if part)
    return [
        str(row.number), name, row.tax_code, day(row.birth_date), row.address or "",
        row.category.label, day(row.admitted_on), str(row.shares_subscribed),
        money(row.shares_paid_amount), exit_text,
    ]


def register_pdf(register_filter: RegisterFilter | None = None, *, compress: bool = True) -> bytes:
    """The libro soci in the legal column order, volunteers in their own section
    (L. 381/1991 art. 2; DOMAIN.md §2). One streamed query for all entries."""
    headers = [_("No."), _("Surname and name / company"), _("Tax code / VAT"), _("Born on"),
               _("Address"), _("Category"), _("Admitted on"), _("Shares"), _("Paid"),
               _("Exit: date and reason")]
    document = Document(_("Member register (libro soci)"), orientation="L")
    document.set_compression(compress)
    others, volunteers = [], []
    for row in export_rows(register_filter):
        (volunteers if row.category == Category.VOLUNTEER else others).append(_pdf_row(row))
    document.paragraph(_("Members"), size=11, style="B")
    document.table(headers, others, PDF_WIDTHS)
    document.add_page()
    document.paragraph(_("Section of volunteer members (L. 381/1991 art. 2)"), size=11, style="B")
    document.table(headers, volunteers, PDF_WIDTHS)
    if not others and not volunteers:
        document.paragraph(_("The register has no entries."))
    document.paragraph(_("Entries: %(count)d, of which volunteers: %(volunteers)d.",
                         count=len(others) + len(volunteers), volunteers=len(volunteers)), size=8)
    return document.to_bytes()
