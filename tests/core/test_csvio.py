"""One formula-safe writer for every CSV the platform writes (core.csvio, issue 6):
a cell that a spreadsheet would run as a formula is prefixed with an apostrophe,
unless it is plainly a number or a phone number."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from governance.core.csvio import EXCEL, PLAIN, csv_safe, text

GOVERNANCE = Path(__file__).resolve().parents[2] / "governance"


@pytest.mark.parametrize("cell", [
    "-2+3+cmd|' /C calc'!A0", "+1+HYPERLINK(\"http://evil.example\",\"clic\")", "=1+1",
    "@SUM(A1:A9)", "\t=1+1", "\r=1+1", " =HYPERLINK(\"x\")", "-1-1+cmd|x", "+39 02 1234567+A1",
    "=cmd|' /C calc'!A0",
])
def test_formulas_are_neutralised(cell):
    assert csv_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-12.50", "+12,50", "1234", "+39 02 1234567", "02/1234567",
                                  "(02) 123-4567", "Rossi", "", "Via Roma 1", "a=b"])
def test_numbers_phones_and_words_are_left_alone(cell):
    assert csv_safe(cell) == cell


@pytest.mark.parametrize("form", [PLAIN, EXCEL])
def test_both_forms_neutralise_every_text_cell(form):
    written = text(["a", "b"], [["-2+3+cmd|' /C calc'!A0", "+1+HYPERLINK(\"x\")"]], form)
    rows = list(csv.reader(io.StringIO(written.lstrip("\ufeff")), delimiter=";" if form == EXCEL else ","))
    assert rows[1] == ["'-2+3+cmd|' /C calc'!A0", "'+1+HYPERLINK(\"x\")"]


def test_no_module_writes_csv_but_core_csvio():
    """A second writer is a second place to forget formulas: every CSV goes through
    core.csvio (the membership report had its own check of the first character)."""
    writers = [str(path.relative_to(GOVERNANCE)) for path in GOVERNANCE.rglob("*.py")
               if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())]
    assert writers == ["core/csvio.py"]


def test_the_membership_report_csv_neutralises_names_and_reasons(today):
    from datetime import date
    from governance.lifecycle.queries import MembershipReport, ReportLine, report_csv
    from governance.members.models import Category
    report = MembershipReport(year=2026)
    report.lines["exits"] = [ReportLine("exits", date(2026, 3, 1), 7, "+1+HYPERLINK(\"x\")",
                                        Category.WORKER, "exclusion", "-2+3+cmd|' /C calc'!A0")]
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert rows[0]["name"] == "'+1+HYPERLINK(\"x\")"
    assert rows[0]["reasons"] == "'-2+3+cmd|' /C calc'!A0"
    assert rows[0]["date"] == "2026-03-01" and rows[0]["number"] == "7"
