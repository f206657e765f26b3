"""The text a person sees on a page: the HTML's text nodes (no tags, scripts or
styles) and the attributes people read (aria-label, placeholder, title, alt), in
document order. Elements marked translate="no" (a CSV header to copy, a code to type)
can be left out: they are meant to stay as they are in every language."""
from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self, keep_untranslated: bool):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.keep_untranslated = keep_untranslated
        self._stack: list[tuple[str, bool]] = []  # (tag, hidden)

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self._stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = tag in self.SKIP or (not self.keep_untranslated and attributes.get("translate") == "no")
        if not hidden and not self._hidden():
            for name in ("aria-label", "placeholder", "title", "alt"):
                if attributes.get(name):
                    self.parts.append(attributes[name].strip())
        if tag not in VOID:
            self._stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):  # <x/>: nothing inside, nothing to close
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.parts.append(data.strip())


def visible_parts(html: str, keep_untranslated: bool = True) -> list[str]:
    parser = _Text(keep_untranslated)
    parser.feed(html)
    return parser.parts


def visible_text(html: str, keep_untranslated: bool = True) -> str:
    return "\n".join(visible_parts(html, keep_untranslated))
