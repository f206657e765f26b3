"""One courtesy form (README, "One language, one format"): letters and emails from the
cooperative address the person formally, with courtesy capitals ("la Sua domanda",
"comunicarLe"); pages (and their messages) address the user with "tu" or an impersonal
infinitive, never "Lei". The board of directors is "consiglio di amministrazione" everywhere.
Checked over the Italian msgstr of the strings each kind of file uses."""
import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from config import BASE_DIR

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
# Files whose strings are written to a person by the cooperative (emails, letters, subjects).
MAIL_FILES = re.compile(r"(^|/)email/|letters\.py$|notifications\.py$")
# Files outside both sets: documents (statute, privacy, contracts, minutes) speak of members in
# the third person.
DOCUMENT_FILES = re.compile(r"(^|/)documents(/|\.py$)|minutes\.txt$|convocation\.txt$")

# "tu" in an email or a letter; a lower-case courtesy pronoun where the capital is due.
MAIL_WRONG = [
    re.compile(r"\b(tu|tuo|tua|tuoi|tue|ti|te|puoi|hai|sei|vuoi|devi|riceverai|potrai)\b", re.I),
    re.compile(r"\b(sua|suo|sue|suoi)\b"),
    re.compile(r"\b(le|la) (sarà|saranno|scriveremo|invierà|invieremo|viene|comunichiamo)\b"),
    re.compile(r"\bl'ha ammess[ao]\b"),
]
# "Lei" on a page: capitalised pronouns, enclitic "-Le"/"-La", formal imperatives.
PAGE_WRONG = [
    re.compile(r"\b(Lei|Sua|Suo|Sue|Suoi)\b"),
    re.compile(r"[a-zà-ù](La|Le|Lo)\b"),
    re.compile(r"\bLe (sarà|saranno|invierà|comunica|diamo|scriveremo)\b"),
    re.compile(r"\b(Indichi|Scelga|Inserisca|Controlli|Acceda|Attivi|Segua|Apra|Scriva|Ha presentato)\b"),
]
EVERYWHERE_WRONG = [re.compile(r"Consiglio di amministrazione|Consiglio di Amministrazione")]


def _strings_by_kind():
    kinds = {"mail": set(), "page": set()}
    for folder, pattern, method in [("governance", "**.py", "python"),
                                    ("templates", "**.html", "jinja2"),
                                    ("templates", "**.txt", "jinja2")]:
        for path, _line, message, _comments, _context in extract_from_dir(
                str(BASE_DIR / folder), method_map=[(pattern, method)], keywords=KEYWORDS,
                options_map={"**.html": {"extensions": "jinja2.ext.i18n"}}):
            path = f"{folder}/{path}"
            if DOCUMENT_FILES.search(path):
                continue
            kind = "mail" if MAIL_FILES.search(path) else "page"
            kinds[kind].add(message[0] if isinstance(message, tuple) else message)
    return kinds


def _italian(msgids, catalog):
    for msgid in sorted(msgids):
        entry = catalog.get(msgid)
        if entry is None:
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in strings:
            yield msgid, text


def _offences(msgids, catalog, patterns):
    return [(msgid, text) for msgid, text in _italian(msgids, catalog)
            if any(pattern.search(text) for pattern in patterns)]


def test_one_courtesy_form_for_mail_and_one_for_pages():
    with open(BASE_DIR / "translations/it/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    kinds = _strings_by_kind()
    shared = kinds["mail"] & kinds["page"]
    assert _offences(kinds["mail"], catalog, MAIL_WRONG) == []
    assert _offences(kinds["page"] - shared, catalog, PAGE_WRONG) == []
    assert _offences(kinds["mail"] | kinds["page"], catalog, EVERYWHERE_WRONG) == []


def test_the_patterns_catch_a_mix():
    assert any(p.search("la tua domanda") for p in MAIL_WRONG)
    assert any(p.search("abbiamo ricevuto la sua domanda") for p in MAIL_WRONG)
    assert not any(p.search("abbiamo ricevuto la Sua domanda; Le scriveremo") for p in MAIL_WRONG)
    assert any(p.search("Siamo lieti di comunicarLe") for p in PAGE_WRONG)
    assert any(p.search("Indichi la delibera") for p in PAGE_WRONG)
    assert not any(p.search("Indica la delibera; la tua domanda") for p in PAGE_WRONG)


# "delega/e", "ora/e", "account(s)", "assembly(ies)": counts are real plurals (ngettext).
PLURAL_SHORTCUT = re.compile(r"\w\((s|es|ies|e|i|a|o)\)|\b\w+[aeiou]/(e|i|a|o|s|es|ies)\b")


def test_no_plural_shortcuts_in_the_catalogues():
    offences = []
    for language in ("it", "en"):
        with open(BASE_DIR / f"translations/{language}/LC_MESSAGES/messages.po", "rb") as handle:
            catalog = read_po(handle)
        for entry in catalog:
            texts = [*(entry.id if isinstance(entry.id, tuple) else (entry.id,)),
                     *(entry.string if isinstance(entry.string, tuple) else (entry.string,))]
            offences += [text for text in texts if text and PLURAL_SHORTCUT.search(text)]
    assert offences == []
    assert PLURAL_SHORTCUT.search("Hai %(n)d delega/e.") and PLURAL_SHORTCUT.search("%(n)d account(s)")
    assert not PLURAL_SHORTCUT.search("e/o, 1/2, https://example.org/a/e")
