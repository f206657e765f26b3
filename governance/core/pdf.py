"""PDF documents with fpdf2 (pure Python, maintained): register, letters, minutes."""
from __future__ import annotations

import unicodedata

from flask import current_app
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from . import clock


# Letters with no decomposition to a Latin-1 base letter (Polish, Croatian, ...).
_SPECIAL = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Œ": "OE", "œ": "oe", "ı": "i",
                          "€": "EUR", "’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def latin1(text) -> str:
    """fpdf2's core fonts are Latin-1: Italian accents pass as they are; other letters
    lose only their diacritic (Ștefan -> Stefan, Łukasz -> Lukasz) rather than turning
    into '?' in an official document."""
    if text is None:
        return ""
    out = []
    for char in str(text).translate(_SPECIAL):
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            out.append(base if base and base.encode("latin-1", "ignore").decode("latin-1") == base else "?")
    return "".join(out)


class Document(FPDF):
    """A4 document with the cooperative's name in the header and page numbers."""

    def __init__(self, title: str, orientation: str = "P"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
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
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, latin1(f"{clock.today().isoformat()} - {self.page_no()}/{{nb}}"), align="R")

    def paragraph(self, text: str, size: int = 10, style: str = ""):
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, 5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def table(self, headers: list[str], rows, widths: list[float], size: int = 7):
        """A simple table whose header repeats on each page; cells are clipped to width."""
        def head():
            self.set_font("Helvetica", "B", size)
            for h, w in zip(headers, widths):
                self.cell(w, 5, latin1(h), border=1)
            self.ln()
            self.set_font("Helvetica", "", size)
        head()
        for row in rows:
            if self.get_y() > self.h - 20:
                self.add_page()
                head()
            for value, w in zip(row, widths):
                self.cell(w, 5, self._clip(latin1(value), w - 1), border=1)
            self.ln()

    def _clip(self, text: str, width: float) -> str:
        """Cut text to fit a cell: estimate the length from the measured width, then
        adjust by a character or two (measuring every prefix made large PDFs slow)."""
        full = self.get_string_width(text)
        if full <= width:
            return text
        keep = max(int(len(text) * width / full), 0)
        while keep > 0 and self.get_string_width(text[:keep]) > width:
            keep -= 1
        return text[:keep]

    def to_bytes(self) -> bytes:
        return bytes(self.output())
