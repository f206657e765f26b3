"""Home page, language switch, and the API docs' assets served from this server."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, send_from_directory, session, url_for
from flask_login import current_user

from ..extensions import db
from .permissions import PUBLIC, permission

bp = Blueprint("core", __name__)


@bp.get("/")
@permission(PUBLIC)
def home():
    return render_template("core/home.html")


@bp.post("/language")
@permission(PUBLIC)
def set_language():
    lang = request.form.get("lang", "it")
    if lang not in ("it", "en"):
        lang = "it"
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
    target = request.form.get("next") or url_for("core.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.home")
    return redirect(target)


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
