"""HTML pages of motions, votes and the mission. Each view: load, authorise (declared
once with @permission), call one operation, render or redirect. A broken rule re-renders
the page with the message beside the field (422); a state conflict (409) is a message
above the page. No inline script: the vote poller is governance/static/votes/live.js,
allowed by core.security's Content-Security-Policy (scripts from this site only)."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..assemblies.models import AgendaItem, Assembly
from ..authz import P
from ..core.errors import DomainError, NotFound
from ..core.permissions import actor, can, permission
from ..extensions import db
from . import diff, documents, operations, queries, rules
from .markup import render_markdown
from .models import STATUTE_DOCUMENTS, Amendment, AmendmentStatus, Comment, MotionStatus, SubjectLabel
from .operations.motions import VERSIONED_SUBJECTS
from .operations.voting import counted_receipts, voting_channel
from .words import explanation, outcome_of, rule_words

bp = Blueprint("votes", __name__)

def _int_arg(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


# --- the mission -----------------------------------------------------------------------------

@bp.get("/mission")
@permission(P.MISSION_READ)
def mission():
    versions = queries.mission_versions()
    return render_template("votes/mission.html", versions=versions, current=versions[0] if versions else None)


@bp.get("/mission/versions/<int:number>")
@permission(P.MISSION_READ)
def mission_version(number: int):
    version = queries.mission_version(number)
    return render_template("votes/mission_version.html", version=version)


@bp.get("/mission/diff")
@permission(P.MISSION_READ)
def mission_diff():
    versions = queries.mission_versions()
    if not versions:
        raise NotFound(_("There is no mission yet."))
    newest = versions[0].number
    old_n = _int_arg("from") or max(newest - 1, 1)
    new_n = _int_arg("to") or newest
    old, new = queries.mission_version(old_n), queries.mission_version(new_n)
    return render_template("votes/mission_diff.html", versions=versions, old=old, new=new,
                           inline=diff.word_diff(old.text, new.text), rows=diff.side_by_side(old.text, new.text))


# --- the statute texts (kept like the mission) -------------------------------------------------

def _document(document: str) -> str:
    if document not in STATUTE_DOCUMENTS:
        raise NotFound(_("There is no such statute text."))
    return document


@bp.get("/statute-texts")
@permission(P.MISSION_READ)
def statute_texts():
    return redirect(url_for("votes.statute_text", document="statute_purpose"))


@bp.get("/statute-texts/<document>")
@permission(P.MISSION_READ)
def statute_text(document: str):
    versions = queries.statute_versions(_document(document))
    return render_template("votes/statute.html", document=document, documents=STATUTE_DOCUMENTS,
                           versions=versions, current=versions[0] if versions else None)


@bp.get("/statute-texts/<document>/versions/<int:number>")
@permission(P.MISSION_READ)
def statute_version(document: str, number: int):
    version = queries.statute_version(_document(document), number)
    return render_template("votes/statute_version.html", document=document, version=version)


@bp.get("/statute-texts/<document>/diff")
@permission(P.MISSION_READ)
def statute_diff(document: str):
    versions = queries.statute_versions(_document(document))
    if not versions:
        raise NotFound(_("This statute text has no version yet."))
    newest = versions[0].number
    old_n = _int_arg("from") or max(newest - 1, 1)
    new_n = _int_arg("to") or newest
    old, new = queries.statute_version(document, old_n), queries.statute_version(document, new_n)
    return render_template("votes/statute_diff.html", document=document, versions=versions, old=old, new=new,
                           inline=diff.word_diff(old.text, new.text), rows=diff.side_by_side(old.text, new.text))


# --- an assembly's motions and the live vote --------------------------------------------------

def _assembly(assembly_id: int) -> Assembly:
    assembly = db.session.get(Assembly, assembly_id)
    if assembly is None:
        raise NotFound(_("There is no such assembly."))
    return assembly


@bp.get("/votes")
@permission(P.MOTIONS_READ)
def index():
    """Assemblies with motions, the latest first: where members find the votes."""
    rows = queries.assemblies_with_motions()
    return render_template("votes/index.html", rows=rows)


@bp.get("/votes/assemblies/<int:assembly_id>")
@permission(P.MOTIONS_READ)
def assembly_votes(assembly_id: int):
    assembly = _assembly(assembly_id)
    motions = queries.motions_of_assembly(assembly)
    open_ids = [m.id for m in motions if m.status == MotionStatus.OPEN]
    return render_template("votes/assembly.html", assembly=assembly, motions=motions, open_ids=open_ids,
                           can_create=can(current_user, P.MOTION_CREATE))


@bp.get("/votes/assemblies/<int:assembly_id>/live.json")
@permission(P.MOTIONS_READ)
def live(assembly_id: int):
    """What the poller reads (governance/static/votes/live.js): the votes open now."""
    _assembly(assembly_id)
    motions = queries.open_motions(assembly_id)
    response = jsonify({"open": [{"id": m.id, "title": m.title, "url": url_for("votes.motion", motion_id=m.id)}
                                 for m in motions]})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/votes/items/<int:item_id>/motions/new", methods=["GET", "POST"])
@permission(P.MOTION_CREATE)
def new_motion(item_id: int):
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(_("There is no such agenda item."))
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = request.form.to_dict()
        values["secret"] = "1" if "secret" in request.form else "0"  # an unticked box says "open"
        try:
            motion = operations.create_motion(item, values, actor())
        except DomainError as error:
            if error.status in (401, 403, 404):
                raise
            errors = error.errors or {"_": [error.message]}
            status = error.status
        else:
            flash(_("Motion saved."), "success")
            return redirect(url_for("votes.motion", motion_id=motion.id))
    elif (request.args.get("subject") or "") in VERSIONED_SUBJECTS:
        subject = request.args["subject"]
        current = queries.current_text(subject) or ""
        values = {"subject": subject, "current_text": current, "proposed_text": current}
    elif (request.args.get("subject") or "") == "election":
        values = {"subject": "election", "secret": "1"}
    return render_template("votes/new_motion.html", item=item, values=values, errors=errors,
                           subjects=SubjectLabel.choices()), status


# --- one motion ------------------------------------------------------------------------------

def _render_motion(motion_id: int, *, errors: dict | None = None, values: dict | None = None,
                   status: int = 200, receipt: dict | None = None):
    motion = queries.get_motion(motion_id)
    member_id = getattr(current_user, "member_id", None)
    channel = voting_channel(motion)
    voted = member_id is not None and queries.has_voted(motion, member_id)
    proxies = []
    if member_id is not None and channel is not None and channel.value == "online":
        held = queries.proxies_held(motion.assembly, member_id)
        done = queries.voted_member_ids(motion, [p.delegator_id for p in held])
        proxies = [(p, p.delegator_id in done) for p in held]
    outcome = outcome_of(motion)
    amendments = queries.amendments_of(motion)
    names = queries.named_choices(motion) if motion.status == MotionStatus.CLOSED and not motion.secret else None
    context = dict(
        motion=motion, assembly=motion.assembly, channel=channel, voted=voted, proxies=proxies,
        errors=errors or {}, values=values or {}, receipt=receipt, amendments=amendments,
        amendment_votes={a.vote_id: a for a in amendments if a.vote_id},
        pending_amendment_votes=[v for v in queries.admitted_amendment_votes(motion)
                                 if v.status != MotionStatus.CLOSED],
        comments=queries.comments_of(motion), render_markdown=render_markdown,
        inline=diff.word_diff(motion.current_text or "", motion.proposed_text or "") if motion.has_text else None,
        rows=diff.side_by_side(motion.current_text or "", motion.proposed_text or "") if motion.has_text else None,
        amended_inline=diff.word_diff(motion.proposed_text or "", motion.voted_text or "")
        if motion.text_amended else None,
        explanation=explanation(motion), rule_text=rule_words(outcome) if outcome else None,
        chart=documents.result_chart(motion.yes, motion.no, motion.abstain, motion.present)
        if motion.status == MotionStatus.CLOSED else None,
        names=names, can_amend=can(current_user, P.AMENDMENT_PROPOSE),
        can_decide=can(current_user, P.AMENDMENT_DECIDE), can_comment=can(current_user, P.COMMENT_WRITE),
        can_hide=can(current_user, P.COMMENT_HIDE), can_manage=can(current_user, P.VOTE_MANAGE),
        can_vote=can(current_user, P.BALLOT_CAST) and member_id is not None,
        amendments_open=motion.status == MotionStatus.DRAFT and motion.has_text and not motion.is_amendment,
        AmendmentStatus=AmendmentStatus, MotionStatus=MotionStatus)
    return render_template("votes/motion.html", **context), status


def _failed(motion_id: int, error: DomainError, values: dict | None = None):
    if error.status in (401, 404):
        raise error
    if error.status in (403, 409) or not error.errors:
        flash(error.message, "danger")
        return _render_motion(motion_id, values=values, status=error.status)
    return _render_motion(motion_id, errors=error.errors, values=values, status=error.status)


@bp.get("/motions/<int:motion_id>")
@permission(P.MOTIONS_READ)
def motion(motion_id: int):
    return _render_motion(motion_id)


@bp.post("/motions/<int:motion_id>/ballots")
@permission(P.BALLOT_CAST)
def cast_ballot(motion_id: int):
    raw_proxy = (request.form.get("on_behalf_of") or "").strip()
    on_behalf_of = int(raw_proxy) if raw_proxy.isdigit() and len(raw_proxy) < 10 else None
    try:
        receipt = operations.cast_ballot(motion_id, current_user, request.form.get("choice") or "", on_behalf_of)
    except DomainError as error:
        return _failed(motion_id, error)
    flash(_("Your ballot was counted."), "success")
    return _render_motion(motion_id, receipt=receipt, status=200)


@bp.post("/motions/<int:motion_id>/amendments")
@permission(P.AMENDMENT_PROPOSE)
def propose_amendment(motion_id: int):
    values = request.form.to_dict()
    try:
        operations.propose_amendment(queries.get_motion(motion_id), getattr(current_user, "member", None),
                                     values, actor())
    except DomainError as error:
        return _failed(motion_id, error, values)
    flash(_("Amendment sent: the board will admit or decline it."), "success")
    return redirect(url_for("votes.motion", motion_id=motion_id, _anchor="amendments"))


@bp.post("/amendments/<int:amendment_id>/decision")
@permission(P.AMENDMENT_DECIDE)
def decide_amendment(amendment_id: int):
    amendment = db.session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(_("There is no such amendment."))
    try:
        operations.decide_amendment(amendment, request.form.get("decision") == "admit",
                                    request.form.get("reasons"), actor())
    except DomainError as error:
        return _failed(amendment.motion_id, error, {f"reasons_{amendment.id}": request.form.get("reasons")})
    flash(_("Decision recorded."), "success")
    return redirect(url_for("votes.motion", motion_id=amendment.motion_id, _anchor="amendments"))


@bp.post("/motions/<int:motion_id>/comments")
@permission(P.COMMENT_WRITE)
def add_comment(motion_id: int):
    try:
        operations.add_comment(queries.get_motion(motion_id), current_user, request.form.get("body"))
    except DomainError as error:
        return _failed(motion_id, error, request.form.to_dict())
    return redirect(url_for("votes.motion", motion_id=motion_id, _anchor="discussion"))


@bp.post("/comments/<int:comment_id>/hide")
@permission(P.COMMENT_HIDE)
def hide_comment(comment_id: int):
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("There is no such comment."))
    try:
        operations.hide_comment(comment, request.form.get("reason"), actor())
    except DomainError as error:
        if error.errors:
            error.errors = {f"reason_{comment.id}": v for v in error.errors.values()}
        return _failed(comment.motion_id, error)
    flash(_("Comment hidden."), "success")
    return redirect(url_for("votes.motion", motion_id=comment.motion_id, _anchor="discussion"))


@bp.post("/motions/<int:motion_id>/open")
@permission(P.VOTE_MANAGE)
def open_vote(motion_id: int):
    try:
        operations.open_vote(queries.get_motion(motion_id), actor())
    except DomainError as error:
        return _failed(motion_id, error)
    flash(_("The vote is open."), "success")
    return redirect(url_for("votes.motion", motion_id=motion_id))


@bp.post("/motions/<int:motion_id>/close")
@permission(P.VOTE_MANAGE)
def close_vote(motion_id: int):
    try:
        operations.close_vote(queries.get_motion(motion_id), actor())
    except DomainError as error:
        return _failed(motion_id, error)
    flash(_("The vote is closed."), "success")
    return redirect(url_for("votes.motion", motion_id=motion_id, _anchor="result"))


def _numbers(raw: str | None) -> list[int]:
    out = []
    for piece in (raw or "").replace(";", ",").replace(" ", ",").split(","):
        piece = piece.strip()
        if not piece:
            continue
        if not piece.isdigit() or len(piece) > 9:
            raise DomainError("validation", _("Write register numbers separated by commas."), field="against")
        out.append(int(piece))
    return out


@bp.post("/motions/<int:motion_id>/room-vote")
@permission(P.VOTE_MANAGE)
def room_vote(motion_id: int):
    values = request.form.to_dict()
    try:
        written = operations.record_room_vote(queries.get_motion(motion_id), _numbers(values.get("against")),
                                              _numbers(values.get("abstaining")), actor())
    except DomainError as error:
        return _failed(motion_id, error, values)
    flash(_("Room vote recorded: %(n)d ballots.", n=written), "success")
    return redirect(url_for("votes.motion", motion_id=motion_id))


@bp.get("/motions/<int:motion_id>/receipts")
@permission(P.MOTIONS_READ)
def receipts(motion_id: int):
    motion = queries.get_motion(motion_id)
    if not motion.secret or motion.status != MotionStatus.CLOSED:
        raise NotFound(_("Receipts are published after a secret vote closes."))
    published = queries.receipts(motion)
    counted = {r for r, _c in counted_receipts(motion)}
    looked_up, found = request.args.get("receipt"), None
    if looked_up:
        try:
            code = rules.normalise_receipt(looked_up)
        except ValueError:
            found = "invalid"
        else:
            found = next(((r, c) for r, c in published if r == code), "missing")
    return render_template("votes/receipts.html", motion=motion, published=published, counted=counted,
                           recount=rules.recount(counted_receipts(motion)), looked_up=looked_up, found=found)
