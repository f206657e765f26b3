"""The register out of the platform: CSV (streamed) and the libro soci as PDF."""
from __future__ import annotations

import csv
import io
from typing import Iterator

from flask_babel import gettext as _

from ..core.money import format_eur, format_money
from ..core.pdf import Document
from .forms import CATEGORY_LABELS
from .importing import HEADER
from .models import Category
from .queries import RegisterFilter, export_rows

# The import header (so an export can be read back by spreadsheets and tools that
# know it), then what only the register holds.
EXPORT_HEADER = HEADER + ("status", "exit_on", "exit_reason", "shares_paid_amount",
                          "legal_representative")
FORMULA_START = ("=", "@", "\t", "\r")


def _cell(value) -> str:
    """Plain text for a CSV cell. A text starting like a spreadsheet formula is prefixed
    with an apostrophe so that opening the file cannot run it (CSV injection); phone
    numbers such as +39 ... stay as they are."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int):
        return value.value
    text = str(value)
    if text.startswith(FORMULA_START) or (
            text[:1] in "+-" and len(text) > 1 and not (text[1].isdigit() or text[1] == " ")):
        return "'" + text
    return text


def csv_lines(register_filter: RegisterFilter | None = None, rows_per_chunk: int = 500) -> Iterator[str]:
    """The register as CSV text, chunk by chunk (for a streamed response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    for count, row in enumerate(export_rows(register_filter), start=1):
        writer.writerow([
            row.number, _cell(row.first_name), _cell(row.last_name), row.tax_code,
            _cell(row.birth_date), _cell(row.email), _cell(row.phone), _cell(row.address),
            row.category.value, row.admitted_on.isoformat(), row.shares_subscribed,
            row.status.value, _cell(row.exit_on), _cell(row.exit_reason),
            format_money(row.shares_paid_amount), _cell(row.legal_representative),
        ])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


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
        exit_text = f"{row.exit_on.strftime('%d/%m/%Y')} {row.exit_reason or ''}".strip()
    return [
        str(row.number), name, row.tax_code,
        row.birth_date.strftime("%d/%m/%Y") if row.birth_date else "",
        row.address or "", str(CATEGORY_LABELS[row.category]),
        row.admitted_on.strftime("%d/%m/%Y"), str(row.shares_subscribed),
        format_eur(row.shares_paid_amount), exit_text,
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
