"""Links: absolute ones for emails, and the only redirect targets we accept."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for


def public_url(endpoint: str, **values) -> str:
    """An absolute link for emails (PUBLIC_BASE_URL + path); works outside requests."""
    adapter = current_app.url_map.bind("localhost", script_name="/")
    path = adapter.build(endpoint, values, force_external=False)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def safe_next(target: str | None, fallback: str = "core.home") -> str:
    """`target` if it is a path on this site, else the fallback page: no scheme, no host,
    no `//`, no backslash, and no control characters (browsers drop a tab or a line break
    inside a URL, so "/\\t/evil.example" would become "//evil.example")."""
    if isinstance(target, str) and target.startswith("/") and target.isprintable() \
            and "\\" not in target and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for(fallback)
