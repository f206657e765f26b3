"""The text a person sees on a page: the HTML's text nodes (no tags, attributes,
scripts or styles), each one stripped, in document order."""
from __future__ import annotations

from html.parser import HTMLParser


class _Text(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        # what people read of some attributes: labels for assistive technology, field hints
        for name, value in attrs:
            if value and name in ("aria-label", "placeholder", "title", "alt"):
                self.parts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_parts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def visible_text(html: str) -> str:
    return "\n".join(visible_parts(html))
