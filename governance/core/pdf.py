"""PDF documents with fpdf2 (pure Python, maintained): register, letters, minutes."""
from __future__ import annotations

import unicodedata

from flask import current_app
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from . import clock


# Letters with no decomposition to a Windows-1252 base letter (Polish, Croatian, ...).
_SPECIAL = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i"})
ENCODING = "windows-1252"  # the core fonts' encoding: Latin-1 plus €, typographic quotes, dashes


def latin1(text) -> str:
    """fpdf2's core fonts are Windows-1252: Italian accents, € and typographic quotes
    pass as they are; other letters lose only their diacritic (Ștefan -> Stefan,
    Łukasz -> Lukasz) rather than turning into '?' in an official document."""
    if text is None:
        return ""
    out = []
    for char in str(text).translate(_SPECIAL):
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            out.append(base if base and base.encode(ENCODING, "ignore").decode(ENCODING) == base else "?")
    return "".join(out)


class Document(FPDF):
    """A4 document with the cooperative's name in the header and page numbers."""

    def __init__(self, title: str, orientation: str = "P"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.doc_title = title
        self.set_title(latin1(title))
        self.set_creator("Governance platform")
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages("{nb}")
        self.add_page()

    def header(self):
        self.set_font("Helvetica", "B", 11)
        self.cell(0, 6, latin1(current_app.config["COOPERATIVE_NAME"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 10)
        self.cell(0, 6, latin1(self.doc_title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self):
        """The cooperative, the day in words and "pagina 1 di 3" (in the reader's language)."""
        from flask_babel import gettext as _

        from .formatting import day
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, latin1(f"{current_app.config['COOPERATIVE_NAME']} · {day(clock.today(), 'long')}"))
        self.set_x(self.l_margin)
        self.cell(0, 5, latin1(_("page %(page)d of %(pages)s", page=self.page_no(), pages="{nb}")), align="R")

    def letterhead(self, on=None) -> None:
        """Under the cooperative's name: registered office, tax code / VAT number and the
        number in the register of cooperatives (settings), as on a letter's paper; with
        `on` (a date), the place and the date in words below ("Melegnano, 30 novembre 2026").
        Every letter uses this one (admission, convocation, letters for post)."""
        from flask_babel import gettext as _

        from .formatting import day
        config = current_app.config
        parts = [config.get("COOPERATIVE_ADDRESS")]
        if config.get("COOPERATIVE_TAX_CODE"):
            parts.append(_("Tax code and VAT no. %(code)s", code=config["COOPERATIVE_TAX_CODE"]))
        if config.get("COOPERATIVE_REGISTER"):
            parts.append(_("Register of cooperatives no. %(number)s", number=config["COOPERATIVE_REGISTER"]))
        self.set_y(self.get_y() - 2)
        self.paragraph(" · ".join(p for p in parts if p), size=8)
        self.ln(4)
        if on is not None:
            place, when = config.get("COOPERATIVE_PLACE"), day(on, "long")
            self.paragraph(f"{place}, {when}" if place else when)
            self.ln(2)

    def signature(self, role: str) -> None:
        """The closing of a letter: who signs for the cooperative (`role`, e.g. "For the
        board of directors") and the signatory of the settings (LETTER_SIGNATORY)."""
        signatory = current_app.config.get("LETTER_SIGNATORY")
        self.ln(4)
        self.paragraph(role, style="B")
        if signatory:
            self.paragraph(signatory)

    def paragraph(self, text: str, size: int = 10, style: str = ""):
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, 5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def table(self, headers: list[str], rows, widths: list[float], size: int = 7):
        """A table whose header repeats on each page; a long cell wraps on more lines
        (the row grows) instead of being cut. Rows that fit on one line, nearly all of
        them, are drawn as plain cells: only long ones are measured line by line."""
        from fpdf.enums import MethodReturnValue

        def head():
            self.set_font("Helvetica", "B", size)
            texts = [latin1(h) for h in headers]
            self._row(texts, widths, self._lines(texts, widths, MethodReturnValue))
            self.set_font("Helvetica", "", size)
        head()
        for row in rows:
            texts = [latin1(value) for value in row]
            lines = self._lines(texts, widths, MethodReturnValue)
            height = self._row_height(lines)
            if self.get_y() + height > self.h - 17:
                self.add_page()
                head()
            self._row(texts, widths, lines)

    LINE = 5      # one-line rows, as before
    WRAPPED = 3.6  # each line of a wrapped row

    def _lines(self, texts, widths, returns) -> dict[int, list[str]] | None:
        """The lines of each cell too long for its width, or None when all fit."""
        wrapped = None
        for i, (text, width) in enumerate(zip(texts, widths)):
            if self.get_string_width(text) > width - 2:
                wrapped = wrapped or {}
                # fpdf2 returns the lines of a core font as its bytes read one by one
                # (Latin-1): made text again, or "’", "–", "€" would not print.
                wrapped[i] = [str(line).encode("latin-1").decode(ENCODING) for line in self.multi_cell(
                    width, self.WRAPPED, text, dry_run=True, output=returns.LINES)]
        return wrapped

    def _row_height(self, lines) -> float:
        if not lines:
            return self.LINE
        return max(self.LINE, self.WRAPPED * max(len(v) for v in lines.values()) + 1.4)

    def _row(self, texts, widths, lines) -> None:
        if not lines:
            for text, width in zip(texts, widths):
                self.cell(width, self.LINE, text, border=1)
            self.ln()
            return
        height = self._row_height(lines)
        x, y = self.get_x(), self.get_y()
        for i, (text, width) in enumerate(zip(texts, widths)):
            self.rect(x, y, width, height)
            for n, line in enumerate(lines.get(i, [text])):
                self.set_xy(x, y + 0.7 + n * self.WRAPPED)
                self.cell(width, self.WRAPPED, line)
            x += width
        self.set_xy(self.l_margin, y + height)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
