"""A readable word-level diff of two texts (DOMAIN.md §5: a mission or statute change
shows the current text, the proposed text and the diff). Pure data: escaping and
rendering are the caller's job.

Texts are split into tokens that keep everything: words (letters with accents and
digits), runs of whitespace, and single punctuation marks ("l'art." is "l", "'",
"art", "."). So joining the equal and deleted segments gives the old text exactly, and
joining the equal and inserted segments gives the new text exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
# A paragraph ends at a blank line; the blank lines stay with the paragraph before.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


@dataclass(frozen=True)
class Segment:
    op: str    # EQUAL, INSERT or DELETE
    text: str


@dataclass(frozen=True)
class Row:
    """One paragraph of the two-column view: the old paragraph on the left (equal and
    deleted segments), the new one on the right (equal and inserted segments). A
    paragraph only on one side has an empty other side."""

    left: tuple[Segment, ...]
    right: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return any(s.op != EQUAL for s in self.left + self.right)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _blocks(old_tokens: list[str], new_tokens: list[str]) -> list[tuple[str, str]]:
    """(old, new) pieces in order: equal where old == new, else a change. A change, a
    single space (no line break) and another change merge into one change, so
    "il gatto" -> "la casa" reads as one replacement, not two with a space between."""
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    blocks: list[list] = []  # [is_equal, old, new]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        equal = tag == "equal"
        if blocks and blocks[-1][0] == equal:
            blocks[-1][1] += old
            blocks[-1][2] += new
        else:
            blocks.append([equal, old, new])
    merged: list[list] = []
    for block in blocks:
        if (not block[0] and len(merged) >= 2 and not merged[-2][0]
                and merged[-1][1].isspace() and "\n" not in merged[-1][1]):
            gap = merged.pop()[1]
            merged[-1][1] += gap + block[1]
            merged[-1][2] += gap + block[2]
        else:
            merged.append(block)
    return [(old, new) if not equal else (old, old) for equal, old, new in merged]


def word_diff(old: str, new: str) -> list[Segment]:
    """The changes from `old` to `new` as segments in reading order; within a change the
    deletion comes before the insertion. Identical texts give one equal segment (none
    if both are empty)."""
    segments: list[Segment] = []
    for old_piece, new_piece in _blocks(tokens(old), tokens(new)):
        if old_piece == new_piece:
            segments.append(Segment(EQUAL, old_piece))
            continue
        if old_piece:
            segments.append(Segment(DELETE, old_piece))
        if new_piece:
            segments.append(Segment(INSERT, new_piece))
    return [s for s in segments if s.text]


def paragraphs(text: str) -> list[str]:
    """The text cut at blank lines; joining the pieces gives the text back exactly."""
    pieces, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        pieces.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def side_by_side(old: str, new: str) -> list[Row]:
    """Rows for a two-column view, aligned by paragraph: unchanged paragraphs side by
    side, changed ones paired in order with their word diff, added or removed ones
    against an empty cell. Joining every row's left segments gives `old` exactly, and
    the right segments give `new`."""
    old_paragraphs, new_paragraphs = paragraphs(old), paragraphs(new)
    # Match on the words, so a paragraph that only gained a trailing blank line is
    # still "the same paragraph" (its row then shows just that whitespace change).
    matcher = SequenceMatcher(None, [p.strip() for p in old_paragraphs],
                              [p.strip() for p in new_paragraphs], autojunk=False)
    rows: list[Row] = []
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = old_paragraphs[i1:i2], new_paragraphs[j1:j2]
        for index in range(max(len(olds), len(news))):
            left_text = olds[index] if index < len(olds) else None
            right_text = news[index] if index < len(news) else None
            rows.append(_row(left_text, right_text))
    return rows


def _row(old: str | None, new: str | None) -> Row:
    if new is None:
        return Row((Segment(DELETE, old),), ())
    if old is None:
        return Row((), (Segment(INSERT, new),))
    segments = word_diff(old, new)
    return Row(tuple(s for s in segments if s.op != INSERT), tuple(s for s in segments if s.op != DELETE))
