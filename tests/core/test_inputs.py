"""The one cleaning of free text and emails (core.inputs): what no stored text may
hold is refused with a message, so forms answer 422 next to the field and the
database never sees it."""
from __future__ import annotations

import pytest

from governance.core import inputs
from governance.core.errors import DomainError


@pytest.mark.parametrize("raw", ["Ro\x00ssi", "Rossi\x07", "Rossi\x1b[31m", "Ro\nssi", "Ros\u0085si"])
def test_control_characters_are_refused_in_one_line_text(raw):
    with pytest.raises(inputs.InvalidInput, match="control characters"):
        inputs.text(raw, max_length=100)


def test_multi_line_text_keeps_line_breaks_and_tabs_but_not_nul():
    assert inputs.text("uno\r\ndue\tre", max_length=100, multiline=True) == "uno\r\ndue\tre"
    with pytest.raises(inputs.InvalidInput):
        inputs.text("uno\x00due", max_length=100, multiline=True)


@pytest.mark.parametrize("char", ["\u202e", "\u202d", "\u2066", "\u2069"])
def test_direction_overrides_are_refused_in_any_text(char):
    with pytest.raises(inputs.InvalidInput, match="invisible"):
        inputs.text(f"fattura{char}txt.exe", max_length=100, multiline=True)


@pytest.mark.parametrize("char", ["\u200b", "\u200d", "\ufeff", "\u00ad"])
def test_zero_width_characters_are_refused_in_names_only(char):
    with pytest.raises(inputs.InvalidInput, match="invisible"):
        inputs.text(f"Ros{char}si", max_length=100, name=True)
    assert inputs.text(f"nota{char}", max_length=100) == f"nota{char}"


@pytest.mark.parametrize("raw", ["anna@example.org\nBcc: all@example.org", "anna@example.org, b@example.org",
                                 "anna@example.org\x00", "Anna <anna@example.org>", "anna@@example.org",
                                 "anna@exa\rmple.org"])
def test_an_email_is_one_plain_address(raw):
    with pytest.raises(inputs.InvalidInput):
        inputs.email(raw)


def test_an_email_is_normalised():
    assert inputs.email("  Anna.Rossi@Example.ORG ") == "anna.rossi@example.org"


def test_a_search_with_a_nul_byte_is_a_422_on_its_parameter():
    assert inputs.search("  rossi  ") == "rossi"
    assert inputs.search(None) == ""
    with pytest.raises(DomainError) as refused:
        inputs.search("ros\x00si")
    assert refused.value.errors == {"q": ["Contains control characters that are not allowed."]}


@pytest.mark.parametrize("field,value", [
    ("last_name", "Ros\u200bsi"), ("first_name", "\u202eAnna"), ("legal_representative", "Ma\u200dria"),
    ("address", "Via Roma 1\u202e"), ("last_name", "Ros\x00si"),
])
def test_the_register_and_applications_use_the_same_cleaning(client, today, field, value):
    """Names with invisible characters, and any text with a direction override, are
    refused next to the field by the register's own checks (applications use them)."""
    from tests.lifecycle import factories
    data = factories.legal_person_data if field == "legal_representative" else factories.application_data
    response = client.post("/api/v1/applications", json=data(**{field: value}))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
