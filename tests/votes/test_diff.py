"""The readable diff of a proposed text (no database)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from governance.votes.diff import DELETE, EQUAL, INSERT, Row, Segment, paragraphs, side_by_side, word_diff

MISSION = (
    "La cooperativa persegue l'interesse generale della comunità alla promozione umana "
    "e all'integrazione sociale dei cittadini.\n\n"
    "Gestisce servizi educativi, sociali e socio-sanitari nel sud-est milanese.\n\n"
    "I soci definiscono insieme la missione."
)


def old_text(segments):
    return "".join(s.text for s in segments if s.op != INSERT)


def new_text(segments):
    return "".join(s.text for s in segments if s.op != DELETE)


def test_a_replaced_phrase_reads_as_one_change():
    segments = word_diff("Il gatto dorme.", "La casa dorme.")
    assert segments == [Segment(DELETE, "Il gatto"), Segment(INSERT, "La casa"), Segment(EQUAL, " dorme.")]


def test_words_are_never_split():
    segments = word_diff("la cooperativa sociale", "la cooperative sociale")
    assert segments == [Segment(EQUAL, "la "), Segment(DELETE, "cooperativa"), Segment(INSERT, "cooperative"),
                        Segment(EQUAL, " sociale")]


def test_accented_words_and_apostrophes():
    segments = word_diff("l'identità è condivisa", "l'identità è rinnovata")
    assert segments == [Segment(EQUAL, "l'identità è "), Segment(DELETE, "condivisa"),
                        Segment(INSERT, "rinnovata")]


def test_punctuation_only_change():
    assert word_diff("servizi educativi, sociali", "servizi educativi e sociali") == [
        Segment(EQUAL, "servizi educativi"), Segment(DELETE, ","), Segment(INSERT, " e"),
        Segment(EQUAL, " sociali")]


def test_identical_and_empty_texts():
    assert word_diff(MISSION, MISSION) == [Segment(EQUAL, MISSION)]
    assert word_diff("", "") == []
    assert word_diff("", "nuovo") == [Segment(INSERT, "nuovo")]
    assert word_diff("vecchio", "") == [Segment(DELETE, "vecchio")]


def test_a_line_break_is_not_swallowed_into_a_change():
    segments = word_diff("uno\ndue", "tre\nquattro")
    assert Segment(EQUAL, "\n") in segments


def test_paragraphs_cut_at_blank_lines_and_give_the_text_back():
    assert paragraphs(MISSION) == [
        MISSION.split("\n\n")[0] + "\n\n", MISSION.split("\n\n")[1] + "\n\n", MISSION.split("\n\n")[2]]
    assert paragraphs("uno\r\n\r\ndue\n  \n\ntre\nstessa") == ["uno\r\n\r\n", "due\n  \n\n", "tre\nstessa"]
    assert paragraphs("") == []


def test_side_by_side_aligns_paragraphs():
    proposed = MISSION.replace("nel sud-est milanese", "nel sud-est milanese e oltre").replace(
        "I soci definiscono", "Nuovo paragrafo.\n\nI soci definiscono")
    rows = side_by_side(MISSION, proposed)
    assert [row.changed for row in rows] == [False, True, True, False]
    assert rows[0].left == rows[0].right == (Segment(EQUAL, paragraphs(MISSION)[0]),)
    assert Segment(INSERT, " e oltre") in rows[1].right
    assert all(s.op != INSERT for s in rows[1].left)
    assert rows[2] == Row(left=(), right=(Segment(INSERT, "Nuovo paragrafo.\n\n"),))


def test_side_by_side_removed_paragraph_has_an_empty_right_cell():
    rows = side_by_side("Uno.\n\nDue.\n\nTre.", "Uno.\n\nTre.")
    assert Row(left=(Segment(DELETE, "Due.\n\n"),), right=()) in rows
    assert sum(row.changed for row in rows) == 1


vocabulary = st.sampled_from(["la", "cooperativa", "soci", "è", "l'", "identità", "servizi", " ", "  ",
                              "\n", "\n\n", "\r\n", "\t", ",", ".", "-", "«", "»", "2026", "Art"])
prose = st.lists(vocabulary, max_size=60).map("".join)
texts = st.one_of(prose, st.text(max_size=80))


@given(old=texts, new=texts)
def test_word_diff_gives_back_both_texts_exactly(old, new):
    segments = word_diff(old, new)
    assert old_text(segments) == old
    assert new_text(segments) == new
    assert all(s.text and s.op in (EQUAL, INSERT, DELETE) for s in segments)
    # no two equal segments in a row: the diff is as short as it reads
    assert all(not (a.op == b.op == EQUAL) for a, b in zip(segments, segments[1:]))


@given(old=texts, new=texts)
def test_side_by_side_gives_back_both_texts_exactly(old, new):
    rows = side_by_side(old, new)
    assert "".join(old_text(row.left) for row in rows) == old
    assert "".join(new_text(row.right) for row in rows) == new
    assert all(s.op != INSERT for row in rows for s in row.left)
    assert all(s.op != DELETE for row in rows for s in row.right)


@given(text=texts)
def test_a_text_against_itself_has_no_changes(text):
    assert all(s.op == EQUAL for s in word_diff(text, text))
    assert not any(row.changed for row in side_by_side(text, text))


def test_an_unchanged_word_between_two_changes_stays_visible():
    assert word_diff("uno due tre", "UNO due TRE") == [
        Segment(DELETE, "uno"), Segment(INSERT, "UNO"), Segment(EQUAL, " due "), Segment(DELETE, "tre"),
        Segment(INSERT, "TRE")]


def test_a_paragraph_that_only_moved_to_another_position_in_the_list_is_still_matched():
    # "Due." is the last paragraph of the old text and the first of the new one (now
    # followed by a blank line): same words, so the same row, showing only the blank line.
    rows = side_by_side("Uno.\n\nDue.", "Due.\n\nTre.")
    assert rows == [
        Row(left=(Segment(DELETE, "Uno.\n\n"),), right=()),
        Row(left=(Segment(EQUAL, "Due."),), right=(Segment(EQUAL, "Due."), Segment(INSERT, "\n\n"))),
        Row(left=(), right=(Segment(INSERT, "Tre."),)),
    ]
    # and the other way round: it lost its blank line
    assert side_by_side("Due.\n\nTre.", "Uno.\n\nDue.") == [
        Row(left=(), right=(Segment(INSERT, "Uno.\n\n"),)),
        Row(left=(Segment(EQUAL, "Due."), Segment(DELETE, "\n\n")), right=(Segment(EQUAL, "Due."),)),
        Row(left=(Segment(DELETE, "Tre."),), right=()),
    ]
