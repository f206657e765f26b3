"""Each member category has one Italian name everywhere (issue 8 §2): the words come
from Category.label (pages, PDFs, emails, the report's spreadsheet) or, in the register's
own file format, from importing.ITALIAN_CATEGORIES, which must be the same names; and
the Italian catalogue never calls a category by a second name ("socio prestatore" is a
social-loan lender, never a worker member)."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from governance.members.importing import ITALIAN_CATEGORIES
from governance.members.models import Category

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "translations" / "it" / "LC_MESSAGES" / "messages.po"
ONE_NAME = {"worker": "lavoratore", "volunteer": "volontario", "user": "fruitore", "financing": "sovventore",
            "legal_person": "persona giuridica"}
# Other Italian names people give these categories (cooperative law and common usage):
# none of them may name a category on the platform.
SECOND_NAMES = re.compile(
    r"\bsoci[oe]? +(?:lavorant|dipendent|ordinari|cooperator|utent|beneficiar|consumator|client|finanziator|"
    r"sostenitor|investitor|capitalist|benevol|ente\b|giuridic)"
    r"|\bpersona morale|\bprestator[ei] +d[i'] *(?:opera|lavoro)",
    re.IGNORECASE)
LENDER = re.compile(r"\bprestator[ei]\b", re.IGNORECASE)


def _italian(category: Category) -> str:
    with force_locale("it"):
        return str(category.label)


def test_each_category_has_one_italian_name(app):
    for category in Category:
        name = ONE_NAME[category.value]
        label = _italian(category)
        assert label.lower() in (f"socio {name}", name), (category, label)
        # the register's file (CSV for Excel, import) writes the same name
        assert ITALIAN_CATEGORIES[category] == name.replace(" ", "_"), category


def test_the_italian_catalogue_uses_no_second_name_for_a_category():
    problems = []
    for message in read_po(CATALOGUE.open("rb")):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            if SECOND_NAMES.search(text or ""):
                problems.append((ids[0], text))
            # "prestatore" is the lender of a social loan, and only that
            if LENDER.search(text or "") and not any("lender" in i.lower() for i in ids):
                problems.append((ids[0], text))
    assert not problems


def test_only_the_category_enum_and_the_file_format_name_categories():
    """No template or module writes a category's name itself: they show Category.label
    (or, for the register's file, ITALIAN_CATEGORIES)."""
    italian = re.compile(r"\b(?:" + "|".join(
        [*ONE_NAME.values(), ONE_NAME["legal_person"].replace(" ", "_")]) + r")\b", re.IGNORECASE)
    labels = re.compile(r"\b(?:Worker member|Volunteer member|User member|Financing member|Legal person)\b")
    allowed = {"governance/members/models.py", "governance/members/importing.py", "governance/demo.py",
               "governance/core/labels.py"}  # labels.py: its docstring's example
    found = []
    for path in [*ROOT.glob("governance/**/*.py"), *ROOT.glob("templates/**/*.*")]:
        relative = path.relative_to(ROOT).as_posix()
        if relative in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if italian.search(line) or labels.search(line):
                found.append(f"{relative}:{number}: {line.strip()[:100]}")
    assert not found, "category names written outside Category and the file format:\n" + "\n".join(found)
