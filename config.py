"""Configuration classes, read from the environment (12-factor)."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'governance.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Uploads (CSV import, signed minutes): refuse anything larger before parsing.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 8 * 1024 * 1024))
    WTF_CSRF_TIME_LIMIT = None

    # i18n: Italian first, English second (DEVELOPERS.md).
    LANGUAGES = ["it", "en"]
    BABEL_DEFAULT_LOCALE = "it"
    # Language of visitors who have not chosen one (users' own choice wins).
    DEFAULT_LANGUAGE = "it"
    BABEL_DEFAULT_TIMEZONE = "Europe/Rome"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # Mail: delivered by SMTP only when MAIL_SERVER is set; otherwise stored in the outbox.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "segreteria@artiemestieri.example")
    # Absolute base for links in emails (password reset, activation).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", 90))
    # The outbox worker gives up on a message after this many temporary failures.
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", 8))
    # Password guessing: this many failed logins for one email within the window lock
    # that email's logins until the window has passed.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", 5))
    LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", 15))
    # Per client address (Flask-Limiter, core.limits): failed logins across all emails
    # (password spraying), and public applications (each one emails and starts the
    # board's 60-day term). Limits as Flask-Limiter reads them ("10 per hour").
    LOGIN_ADDRESS_FAILURE_LIMIT = os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30 per 15 minutes")
    APPLY_RATE_LIMIT = os.environ.get("APPLY_RATE_LIMIT", "10 per hour")
    # Emails with a link asked for by anyone (forgotten passwords, a new activation link):
    # one limit per address shared by those forms, so nobody floods an inbox.
    EMAIL_LINK_RATE_LIMIT = os.environ.get("EMAIL_LINK_RATE_LIMIT", "10 per hour")
    # Where the counts live: memory:// (one process), redis://host:6379/0 in production
    # (shared by every worker, kept across restarts).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # How many reverse proxies stand in front (X-Forwarded-For/-Proto/-Host are trusted
    # from that many hops only); 0: none, the headers are ignored.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    # Strict-Transport-Security max-age; 0 sends no HSTS header (development).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 0))
    PASSWORD_RESET_MAX_AGE = 2 * 3600

    # Bootstrap-Flask serves Bootstrap's files from this server, never from a CDN.
    BOOTSTRAP_SERVE_LOCAL = True

    # flask-smorest builds the OpenAPI document from the code.
    API_TITLE = "Governance API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"

    COOPERATIVE_NAME = os.environ.get(
        "COOPERATIVE_NAME", "Arti & Mestieri Sociali Società Cooperativa Sociale"
    )
    # The board hears of each new application and withdrawal request: "each" (one
    # email as it arrives) or "digest" (one email a day, sent by
    # `flask --app wsgi lifecycle digest`, e.g. from cron at 7:00).
    BOARD_NOTIFICATIONS = os.environ.get("BOARD_NOTIFICATIONS", "each")
    # The letterhead of letters (registered office, place before the date, tax code /
    # VAT number, number in the Albo delle società cooperative), who signs them, and
    # where the shares are paid (admission letter, welcome email). A real cooperative
    # sets all of them (README, Configuration): nothing here is invented for it; the
    # demo (`make run`, DevelopmentConfig) fills them with the demo cooperative's.
    COOPERATIVE_ADDRESS = os.environ.get("COOPERATIVE_ADDRESS", "")
    COOPERATIVE_PLACE = os.environ.get("COOPERATIVE_PLACE", "")
    COOPERATIVE_TAX_CODE = os.environ.get("COOPERATIVE_TAX_CODE", "")
    COOPERATIVE_REGISTER = os.environ.get("COOPERATIVE_REGISTER", "")
    LETTER_SIGNATORY = os.environ.get("LETTER_SIGNATORY", "")
    PAYMENT_IBAN = os.environ.get("PAYMENT_IBAN", "")

    # Assemblies: agenda documents, paper-proxy scans and signed minutes, stored outside
    # the web root by random names; the largest file accepted.
    ASSEMBLY_FILES_DIR = os.environ.get("ASSEMBLY_FILES_DIR", str(INSTANCE_DIR / "assembly-files"))
    ASSEMBLY_MAX_FILE_BYTES = int(os.environ.get("ASSEMBLY_MAX_FILE_BYTES", 10 * 1024 * 1024))


# The demo cooperative (../shared/seed/cooperative-profile.it.txt: Arti & Mestieri
# Sociali, a type A social cooperative of the south-east of the Milan province, since
# 1994). Invented figures (the IBAN is the usual example one): for the demo only.
DEMO_LETTERHEAD = {
    "COOPERATIVE_ADDRESS": "Via Roma 1, 20077 Melegnano (MI)",
    "COOPERATIVE_PLACE": "Melegnano",
    "COOPERATIVE_TAX_CODE": "00743110157",
    "COOPERATIVE_REGISTER": "A123456",
}
DEMO_SETTINGS = {
    **DEMO_LETTERHEAD,
    "LETTER_SIGNATORY": "La Presidente del Consiglio di amministrazione, Laura Colombo",
    "PAYMENT_IBAN": "IT60X0542811101000000123456",
}


class DevelopmentConfig(Config):
    """`make run` with the demo data: the demo cooperative's letterhead, signatory and
    IBAN, so its letters read as a real one's; each can still be set from the environment."""

    COOPERATIVE_ADDRESS = os.environ.get("COOPERATIVE_ADDRESS") or DEMO_SETTINGS["COOPERATIVE_ADDRESS"]
    COOPERATIVE_PLACE = os.environ.get("COOPERATIVE_PLACE") or DEMO_SETTINGS["COOPERATIVE_PLACE"]
    COOPERATIVE_TAX_CODE = os.environ.get("COOPERATIVE_TAX_CODE") or DEMO_SETTINGS["COOPERATIVE_TAX_CODE"]
    COOPERATIVE_REGISTER = os.environ.get("COOPERATIVE_REGISTER") or DEMO_SETTINGS["COOPERATIVE_REGISTER"]
    LETTER_SIGNATORY = os.environ.get("LETTER_SIGNATORY") or DEMO_SETTINGS["LETTER_SIGNATORY"]
    PAYMENT_IBAN = os.environ.get("PAYMENT_IBAN") or DEMO_SETTINGS["PAYMENT_IBAN"]


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "TEST_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'test.db'}"
    )
    WTF_CSRF_ENABLED = False
    # Tests assert on the English source strings; tests/core/test_i18n.py checks the
    # Italian default and the Italian catalogue explicitly.
    DEFAULT_LANGUAGE = "en"
    MAIL_SERVER = None
    SERVER_NAME = None
    # Every test client speaks from 127.0.0.1: the per-address limits are tested with
    # their own addresses and limits (tests/core/test_limits.py), not hit by accident.
    APPLY_RATE_LIMIT = "100000 per hour"
    EMAIL_LINK_RATE_LIMIT = "100000 per hour"
    # Letters are tested with the demo letterhead; signatory and IBAN are set per test.
    COOPERATIVE_ADDRESS = DEMO_LETTERHEAD["COOPERATIVE_ADDRESS"]
    COOPERATIVE_PLACE = DEMO_LETTERHEAD["COOPERATIVE_PLACE"]
    COOPERATIVE_TAX_CODE = DEMO_LETTERHEAD["COOPERATIVE_TAX_CODE"]
    COOPERATIVE_REGISTER = DEMO_LETTERHEAD["COOPERATIVE_REGISTER"]
    LETTER_SIGNATORY = ""
    PAYMENT_IBAN = ""
    LOGIN_ADDRESS_FAILURE_LIMIT = "100000 per hour"
    ASSEMBLY_FILES_DIR = str(INSTANCE_DIR / "test-assembly-files")


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY")  # no default: check() refuses to start without
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 365 * 86400))

    @staticmethod
    def check(config) -> None:
        """Refuse to start with a guessable SECRET_KEY or a PUBLIC_BASE_URL in clear."""
        from governance.core.security import check_production_settings
        check_production_settings(config)


CONFIGS = {"development": DevelopmentConfig, "testing": TestConfig, "production": ProductionConfig}
