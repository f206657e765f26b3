"""Every CSV the platform writes, in one of two forms (CONVENTIONS.md habit 17):

- "excel" (the default for people): what Italian Excel opens with a double click:
  UTF-8 with a byte-order mark, `;` between cells, Italian headers and words, dates
  as 29/11/2026 and amounts with a decimal comma ("1234,50");
- "plain" (`?format=csv`, and the API): for programs: UTF-8, `,`, codes as stored,
  ISO dates, "1234.50".

Both protect spreadsheets from formulas hidden in data (CSV injection): a cell that
starts like a formula is prefixed with an apostrophe, unless it is plainly a number or
a phone number.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator

from flask import Response, stream_with_context

from .money import format_money

EXCEL, PLAIN = "excel", "plain"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ./()-]{4,}$")


def csv_safe(text: str) -> str:
    """`text`, or `'text` when a spreadsheet would read it as a formula: "-2+3+cmd|..."
    and "+1+HYPERLINK(...)" are prefixed; "-12.50" and "+39 02 1234567" are not."""
    if not text or not text.lstrip(" ").startswith(_FORMULA_START):
        return text
    if _PLAIN_NUMBER.match(text) or _PHONE.match(text):
        return text
    return "'" + text


def cell(value: Any, form: str = PLAIN) -> str:
    """One value as a CSV cell of the given form (enums: their code in plain CSV; in the
    Excel form the caller passes the Italian word)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("sì" if value else "no") if form == EXCEL else ("true" if value else "false")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if form == EXCEL else value.isoformat()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if form == EXCEL else value.isoformat()
    if isinstance(value, Decimal):
        text = format_money(value)
        return text.replace(".", ",") if form == EXCEL else text
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "value") and not isinstance(value, str):
        return str(value.value)
    return csv_safe(str(value))


def form_from(args) -> str:
    """`?format=csv` asks for the plain form; anything else gets the Excel one."""
    return PLAIN if (args.get("format") or "").lower() == "csv" else EXCEL


def lines(header: Iterable[str], rows: Iterable[Iterable[Any]], form: str = PLAIN,
          rows_per_chunk: int = 500) -> Iterator[str]:
    """The CSV text, chunk by chunk (for a streamed response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if form == EXCEL else ",", lineterminator="\r\n")
    if form == EXCEL:
        buffer.write("\ufeff")
    writer.writerow([str(h) for h in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([cell(v, form) for v in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def text(header: Iterable[str], rows: Iterable[Iterable[Any]], form: str = PLAIN) -> str:
    return "".join(lines(header, rows, form))


def response(chunks: Iterator[str], filename: str) -> Response:
    """A streamed CSV download that no cache keeps (it holds personal data)."""
    return Response(stream_with_context(chunks), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
