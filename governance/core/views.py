"""Home page, language switch, and the API docs' assets served from this server."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, send_from_directory, session
from flask_login import current_user

from ..extensions import db
from .navigation import home_cards
from .permissions import PUBLIC, permission
from .urls import safe_next

bp = Blueprint("core", __name__)


@bp.get("/")
@permission(PUBLIC)
def home():
    """Each role lands on its work: the cards the domains registered for what the
    user has to do (core.navigation), then the menu."""
    cards = home_cards(current_user) if current_user.is_authenticated else []
    return render_template("core/home.html", cards=cards)


@bp.post("/language")
@permission(PUBLIC)
def set_language():
    lang = request.form.get("lang", "it")
    if lang not in ("it", "en"):
        lang = "it"
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
    return redirect(safe_next(request.form.get("next")))


@bp.get("/api/v1/docs/assets/<path:filename>")
@permission(PUBLIC)
def swagger_assets(filename: str):
    import swagger_ui_bundle
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


@bp.get("/healthz")
@permission(PUBLIC)
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
