"""What an assembly produces as files and rich text: agenda descriptions in Markdown
(markdown-it-py, sanitised by nh3), the calendar file (.ics, icalendar) with both calls,
the convocation and minutes PDFs, and the uploaded documents (type checked on the
content, size capped, stored under instance/ by a random name, never in the web root)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from pathlib import Path

import nh3
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..core import clock
from ..core.errors import DomainError
from ..core.formatting import day
from ..core.pdf import Document
from ..statute.queries import value_on

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h3", "h4", "h5",
         "h6", "table", "thead", "tbody", "tr", "th", "td", "hr"}


def markdown(text: str | None) -> Markup:
    """Markdown to HTML, then cleaned by nh3 (an allow-list of tags; links get
    rel="noopener noreferrer"; no scripts, styles or event attributes)."""
    html = _MARKDOWN.render(text or "")
    clean = nh3.clean(html, tags=_TAGS, attributes={"a": {"href", "title"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return Markup(clean)


def plain_text(text: str | None) -> str:
    """Markdown as a plain-text email or a PDF shows it: the words without the marks
    ("del **2,50%**" -> "del 2,50%"), lists as "- " or "1. ", links as "words (address)",
    table cells separated by " | ", one blank line between blocks."""
    out: list[str] = []
    lists: list[list] = []          # [ordered, next number] per open list
    line: list[str] = []
    cells: list[str] = []
    in_table = False

    def inline(token) -> str:
        words, href = [], []
        for child in token.children or ():
            if child.type in ("text", "code_inline", "html_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append("\n")
            elif child.type == "link_open":
                href.append(child.attrGet("href") or "")
            elif child.type == "link_close" and href:
                target = href.pop()
                if target and target not in "".join(words[-1:]):
                    words.append(f" ({target})")
            elif child.type == "image":
                words.append(child.content)
        return "".join(words)

    for token in _MARKDOWN.parse(text or ""):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1)
            lists.append([kind == "ordered_list_open", start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists and out and out[-1] != "":
                out.append("")
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            indent = "  " * (len(lists) - 1)
            line.append(f"{indent}{number}. " if ordered else f"{indent}- ")
            lists[-1][1] += 1
        elif kind == "inline":
            (cells if in_table else line).append(inline(token))
        elif kind in ("paragraph_close", "heading_close"):
            out.append("".join(line))
            line = []
            if not lists or not token.hidden:   # a loose list keeps its blank lines
                out.append("")
        elif kind in ("code_block", "fence"):
            out.extend([token.content.rstrip("\n"), ""])
        elif kind == "table_open":
            in_table = True
        elif kind == "tr_close":
            out.append(" | ".join(cells))
            cells = []
        elif kind == "table_close":
            in_table = False
            out.append("")
        elif kind == "hr":
            out.extend(["---", ""])
    return "\n".join(out).strip()


# --- the calendar file -------------------------------------------------------------------------

def ics(assembly) -> bytes:
    """Two events, one per call (the second may not be needed: the first call reaching
    its quorum makes it void), each lasting three hours by default."""
    calendar = Calendar()
    calendar.add("prodid", "-//governance//assemblies//IT")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    host = current_app.config.get("PUBLIC_BASE_URL", "http://localhost").split("//")[-1].split("/")[0]
    for label, start, code in ((_("first call"), assembly.first_call_at, "first"),
                               (_("second call"), assembly.second_call_at, "second")):
        event = Event()
        event.add("uid", f"assembly-{assembly.id}-{code}@{host}")
        event.add("dtstamp", clock.now())
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=3))
        event.add("summary", f"{assembly.title} ({label})")
        event.add("location", assembly.place or assembly.online_link or "")
        if assembly.online_link:
            event.add("url", assembly.online_link)
        calendar.add_component(event)
    return calendar.to_ical()


# --- the convocation ---------------------------------------------------------------------------

def convocation_text(assembly, locale: str = "it") -> tuple[str, str]:
    """(subject, letter) in the cooperative's language: both calls, place and link, the
    numbered agenda and the full text of each item (motions voted by correspondence
    included, as they are written in the item's description)."""
    from .signals import convocation_item_lines
    item_lines = {}
    for item in assembly.items:
        lines: list[str] = []
        for _receiver, result in convocation_item_lines.send(assembly, item=item):
            lines.extend(result or ())
        item_lines[item.id] = lines
    with force_locale(locale):
        subject = _("Convocation: %(title)s", title=assembly.title)
        text = render_template("assemblies/email/convocation.txt", assembly=assembly, item_lines=item_lines,
                               plain_text=plain_text,
                               max_proxies=int(value_on("max_proxies_per_delegate", assembly.session_day())),
                               cooperative_name=current_app.config["COOPERATIVE_NAME"])
    return subject, text


def convocation_pdf(assembly, letter_to=None, locale: str = "it") -> bytes:
    """The convocation as a letter in the cooperative's language: letterhead, place and
    the publication date (the notice runs from it), the text, the signatory; with
    `letter_to` (members), one letter per member for post, each on its own page with
    the addressee ("Spett.le" and the representative for a legal person)."""
    from ..lifecycle.letters import addressee_lines
    _subject, text = convocation_text(assembly, locale)
    with force_locale(locale):
        document = Document(_("Convocation of the assembly"))
        dated = assembly.published_on or clock.today()
        recipients = list(letter_to) if letter_to is not None else [None]
        for index, member in enumerate(recipients):
            if index:
                document.add_page()
            document.letterhead(dated)
            if member is not None:
                document.paragraph(addressee_lines(member), size=10, style="B")
                document.ln(4)
            document.paragraph(text)
            if current_app.config.get("LETTER_SIGNATORY"):
                document.paragraph(current_app.config["LETTER_SIGNATORY"])
    return bytes(document.output())


def minutes_pdf(assembly, minutes) -> bytes:
    document = Document(_("Minutes of the assembly of %(day)s", day=day(assembly.session_day(), "long")))
    document.paragraph(assembly.title, size=12, style="B")
    document.paragraph(minutes.text)
    return bytes(document.output())


# --- uploaded files ----------------------------------------------------------------------------

# Magic numbers of what we accept: PDF, and office files (OOXML/ODF are ZIP containers,
# old Office files are OLE2 compound documents).
_KINDS = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
}
_ZIP_MARKERS = {".docx": b"word/", ".xlsx": b"xl/", ".pptx": b"ppt/",
                ".odt": b"application/vnd.oasis.opendocument.text",
                ".ods": b"application/vnd.oasis.opendocument.spreadsheet"}


def storage_dir() -> Path:
    path = Path(current_app.config.get("ASSEMBLY_FILES_DIR") or Path(current_app.instance_path) / "assembly-files")
    path.mkdir(parents=True, exist_ok=True)
    return path


def checked_upload(filename: str, data: bytes, *, field: str = "file", only_pdf: bool = False) -> tuple[str, str]:
    """(clean file name, content type) of an upload whose content matches its name's
    type; DomainError otherwise (too large, empty, or not what it claims to be)."""
    limit = int(current_app.config.get("ASSEMBLY_MAX_FILE_BYTES", 10 * 1024 * 1024))
    if not data:
        raise DomainError("validation", _("The file is empty."), field=field)
    if len(data) > limit:
        raise DomainError("file_too_large", _("The file is larger than %(n)d MB.", n=limit // (1024 * 1024)),
                          field=field)
    name = Path(filename or "document").name.strip().replace("\x00", "")[:150] or "document"
    suffix = Path(name).suffix.lower()
    allowed = {".pdf"} if only_pdf else set(_KINDS)
    if suffix not in allowed:
        raise DomainError("file_type", _("Accepted files: %(kinds)s.", kinds=", ".join(sorted(allowed))),
                          field=field)
    content_type, magics = _KINDS[suffix]
    marker = _ZIP_MARKERS.get(suffix)
    if not data.startswith(magics) or (marker is not None and marker not in data[:65536] and marker not in data):
        raise DomainError("file_type", _("The content of the file is not a %(kind)s file.", kind=suffix[1:].upper()),
                          field=field)
    return name, content_type


def store(data: bytes) -> tuple[str, str]:
    """(random stored name, sha256) of bytes written under the instance folder."""
    stored_name = secrets.token_hex(16)
    (storage_dir() / stored_name).write_bytes(data)
    return stored_name, hashlib.sha256(data).hexdigest()


def read(stored_name: str) -> bytes:
    return (storage_dir() / Path(stored_name).name).read_bytes()
