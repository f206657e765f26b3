"""Italian is the default language; English is the second; the Italian catalogue is
complete (every string the code and templates use has a translation)."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from config import BASE_DIR, Config

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
METHODS = [("governance/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]


@pytest.fixture
def italian_default(app):
    app.config["DEFAULT_LANGUAGE"] = "it"
    yield
    app.config["DEFAULT_LANGUAGE"] = "en"


def test_production_configuration_defaults_to_italian():
    assert Config.DEFAULT_LANGUAGE == "it"
    assert Config.BABEL_DEFAULT_LOCALE == "it"


def test_visitor_sees_italian_by_default_and_can_switch_to_english(client, italian_default):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="it">' in html and "Accedi" in html
    client.post("/language", data={"lang": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Log in" in html


def test_a_users_language_preference_wins(client, login, user_factory, italian_default):
    login(user_factory(roles=["board"], locale="en"))
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def _extracted_messages():
    found = set()
    for pattern, method in METHODS:
        folder = BASE_DIR / pattern.split("/")[0]
        method_map = [(pattern.split("/", 1)[1], method)]
        for _file, _line, message, _comments, context in extract_from_dir(
                str(folder), method_map=method_map, keywords=KEYWORDS,
                options_map={"**.html": {"extensions": "jinja2.ext.i18n"}}):
            found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


def test_italian_catalogue_translates_every_string():
    with open(Path(BASE_DIR, "translations/it/LC_MESSAGES/messages.po"), "rb") as handle:
        catalog = read_po(handle)
    missing = []
    for msgid, context in sorted(_extracted_messages(), key=lambda m: (m[0], m[1] or "")):
        entry = catalog.get(msgid, context=context)
        if entry is None or not entry.string or entry.fuzzy or (
                isinstance(entry.string, tuple) and not all(entry.string)):
            missing.append(msgid)
    assert not missing, f"{len(missing)} strings without Italian translation, e.g. {missing[:5]} " \
                        "(run `make update-messages` and translate them)"


def test_the_language_switch_after_a_failed_post_comes_back_by_get(client, login, user_factory):
    login(user_factory(roles=["admin"], locale="it"))
    failed = client.post("/statute/parameters/notice_days", data={"value": "x"})
    html = failed.get_data(as_text=True)
    assert failed.status_code == 422 and 'name="next" value="/statute/parameters/notice_days"' in html
    assert client.post("/language", data={"lang": "en", "next": "/statute/parameters/notice_days"}
                       ).headers["Location"].endswith("/statute/parameters/notice_days")


def test_a_language_chosen_before_login_is_kept(client, user_factory, italian_default):
    from tests.factories import UserFactory
    user = UserFactory(roles=["member"], locale="it", password="password-lunga-1")
    client.post("/language", data={"lang": "en", "next": "/login"})
    client.post("/login", data={"email": user.email, "password": "password-lunga-1"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert user.locale == "en"


def test_every_template_compiles(app):
    """A template with a syntax error is skipped without a word by the message extraction
    (its strings would silently leave the catalogue), so each must parse."""
    names = [name for name in app.jinja_env.list_templates() if name.endswith((".html", ".txt"))]
    assert len(names) > 50
    for name in names:
        app.jinja_env.get_template(name)
