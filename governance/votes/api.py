"""JSON API of motions, ballots and the mission (API.md "Motions and ballots"): the same
operations as the pages, errors as problem+json (wrong_assembly_kind, not_entitled 403,
already_voted 409, voting_closed 409, proxy_not_entitled 422)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from ..assemblies.models import AgendaItem
from ..authz import P
from ..core.errors import Conflict, NotFound
from ..core.permissions import actor, permission
from ..core.api import ProblemSchema
from ..extensions import db
from . import diff, operations, queries
from .models import STATUTE_DOCUMENTS, Amendment, Comment, MotionStatus
from .schemas import (AmendmentCreateSchema, AmendmentDecisionSchema, BallotCreateSchema, CommentCreateSchema,
                      CommentHideSchema, CreatedSchema, MissionSchema, MotionCreateSchema, PublishedReceiptSchema,
                      ReceiptSchema, ResultSchema, RoomVoteSchema)
from .words import explanation, outcome_of, rule_words

blp = Blueprint("votes_api", __name__, url_prefix="/api/v1",
                description="Motions and votes (DOMAIN.md §5): motions with diffs, amendments, comments, "
                            "ballots (open and secret), results, receipts, and the mission's versions.")


def _segments(old: str | None, new: str | None) -> list[dict]:
    return [{"op": s.op, "text": s.text} for s in diff.word_diff(old or "", new or "")]


def motion_dict(motion) -> dict:
    data = {"id": motion.id, "agenda_item": motion.agenda_item_id, "assembly": motion.agenda_item.assembly_id,
            "title": motion.title, "subject": motion.subject.value, "rationale": motion.rationale,
            "current_text": motion.current_text, "proposed_text": motion.proposed_text,
            "voted_text": motion.voted_text, "text_amended": motion.text_amended, "secret": motion.secret,
            "by_correspondence": motion.by_correspondence, "status": motion.status.value,
            "amendment_of": motion.amendment_of_id,
            "amendments_until": motion.amendments_until.isoformat() if motion.amendments_until else None,
            "diff": _segments(motion.current_text, motion.proposed_text) if motion.has_text else None}
    if motion.text_amended:
        data["amended_diff"] = _segments(motion.proposed_text, motion.voted_text)
    data["amendments"] = [{"id": a.id, "status": a.status.value, "proposed_text": a.proposed_text,
                           "rationale": a.rationale, "reasons": a.reasons, "vote": a.vote_id}
                          for a in queries.amendments_of(motion)]
    data["comments"] = [{"id": c.id, "author": c.author_name, "created_at": c.created_at.isoformat(),
                         "body": None if c.hidden_at else c.body, "hidden_reason": c.hidden_reason}
                        for c in queries.comments_of(motion)]
    return data


def result_dict(motion) -> dict:
    if motion.status != MotionStatus.CLOSED:
        return {"status": motion.status.value, "yes": None, "no": None, "abstain": None, "present": None,
                "eligible": None, "dropped_by_correspondence": None, "rule": None, "rule_text": None,
                "outcome": "pending", "explanation": explanation(motion), "receipts_digest": None, "names": None}
    outcome = outcome_of(motion)
    names = None
    if not motion.secret:
        names = {choice: [{"number": n, "name": name} for n, name in people]
                 for choice, people in queries.named_choices(motion).items()}
    return {"status": motion.status.value, "yes": motion.yes, "no": motion.no, "abstain": motion.abstain,
            "present": motion.present, "eligible": motion.eligible, "dropped_by_correspondence": motion.dropped,
            "rule": motion.rule, "rule_text": rule_words(outcome), "outcome": motion.outcome.value,
            "explanation": explanation(motion), "receipts_digest": motion.receipts_digest, "names": names}


# --- motions --------------------------------------------------------------------------------

@blp.route("/agenda-items/<int:item_id>/motions", methods=["POST"])
@permission(P.MOTION_CREATE)
@blp.arguments(MotionCreateSchema)
@blp.response(201, CreatedSchema)
@blp.alt_response(422, schema=ProblemSchema, description="wrong_assembly_kind, validation")
def create_motion(args, item_id: int):
    """A motion on an agenda item (board). A statute motion on an ordinary assembly: `wrong_assembly_kind`."""
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(_("There is no such agenda item."))
    motion = operations.create_motion(item, args, actor())
    return {"id": motion.id}


@blp.route("/motions/<int:motion_id>", methods=["GET"])
@permission(P.MOTIONS_READ)
@blp.response(200)
def get_motion(motion_id: int):
    """The motion with its texts, the word diff, amendments and comments."""
    return motion_dict(queries.get_motion(motion_id))


@blp.route("/motions/<int:motion_id>/amendments", methods=["POST"])
@permission(P.AMENDMENT_PROPOSE)
@blp.arguments(AmendmentCreateSchema)
@blp.response(201, CreatedSchema)
@blp.alt_response(422, schema=ProblemSchema, description="amendment_deadline, validation")
def propose_amendment(args, motion_id: int):
    motion = queries.get_motion(motion_id)
    amendment = operations.propose_amendment(motion, getattr(current_user, "member", None), args, actor())
    return {"id": amendment.id}


@blp.route("/amendments/<int:amendment_id>/decision", methods=["POST"])
@permission(P.AMENDMENT_DECIDE)
@blp.arguments(AmendmentDecisionSchema)
@blp.response(200)
@blp.alt_response(422, schema=ProblemSchema, description="reasons_required")
def decide_amendment(args, amendment_id: int):
    """Admit or decline an amendment, with reasons (board). Admitted: `vote` is its own vote."""
    amendment = db.session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(_("There is no such amendment."))
    operations.decide_amendment(amendment, args["admit"], args["reasons"], actor())
    return {"id": amendment.id, "status": amendment.status.value, "vote": amendment.vote_id}


@blp.route("/motions/<int:motion_id>/comments", methods=["POST"])
@permission(P.COMMENT_WRITE)
@blp.arguments(CommentCreateSchema)
@blp.response(201, CreatedSchema)
@blp.alt_response(409, schema=ProblemSchema, description="discussion_closed")
def add_comment(args, motion_id: int):
    comment = operations.add_comment(queries.get_motion(motion_id), current_user, args["body"])
    return {"id": comment.id}


@blp.route("/comments/<int:comment_id>/hide", methods=["POST"])
@permission(P.COMMENT_HIDE)
@blp.arguments(CommentHideSchema)
@blp.response(200)
def hide_comment(args, comment_id: int):
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("There is no such comment."))
    operations.hide_comment(comment, args["reason"], actor())
    return {"id": comment.id, "hidden_reason": comment.hidden_reason}


# --- voting -----------------------------------------------------------------------------------

@blp.route("/motions/<int:motion_id>/open", methods=["POST"])
@permission(P.VOTE_MANAGE)
@blp.response(200)
def open_vote(motion_id: int):
    motion = operations.open_vote(queries.get_motion(motion_id), actor())
    return {"id": motion.id, "status": motion.status.value}


@blp.route("/motions/<int:motion_id>/close", methods=["POST"])
@permission(P.VOTE_MANAGE)
@blp.response(200, ResultSchema)
def close_vote(motion_id: int):
    """Close and count: the result, with the rule applied."""
    return result_dict(operations.close_vote(queries.get_motion(motion_id), actor()))


@blp.route("/motions/<int:motion_id>/room-vote", methods=["POST"])
@permission(P.VOTE_MANAGE)
@blp.arguments(RoomVoteSchema)
@blp.response(200)
def room_vote(args, motion_id: int):
    """Show of hands: all present in favour except `against` and `abstaining` (register numbers)."""
    written = operations.record_room_vote(queries.get_motion(motion_id), args["against"], args["abstaining"],
                                          actor())
    return {"ballots": written}


@blp.route("/motions/<int:motion_id>/ballots", methods=["POST"])
@permission(P.BALLOT_CAST)
@blp.arguments(BallotCreateSchema)
@blp.response(201, ReceiptSchema)
@blp.alt_response(403, schema=ProblemSchema, description="not_entitled")
@blp.alt_response(409, schema=ProblemSchema, description="already_voted, voting_closed")
def cast_ballot(args, motion_id: int):
    """A ballot: yes, no or abstain; `on_behalf_of` a delegator's number for a proxy vote.
    A secret vote answers a receipt code to check the published list with."""
    return operations.cast_ballot(motion_id, current_user, args["choice"], args.get("on_behalf_of"))


@blp.route("/motions/<int:motion_id>/result", methods=["GET"])
@permission(P.MOTIONS_READ)
@blp.response(200, ResultSchema)
def result(motion_id: int):
    return result_dict(queries.get_motion(motion_id))


@blp.route("/motions/<int:motion_id>/receipts", methods=["GET"])
@permission(P.MOTIONS_READ)
@blp.response(200, PublishedReceiptSchema(many=True))
def receipts(motion_id: int):
    """Every receipt of a secret vote with its choice, after closing (`counted` false: a
    correspondence ballot on an amended text). SHA-256 of the counted ones: the result's digest."""
    motion = queries.get_motion(motion_id)
    if not motion.secret:
        raise Conflict("not_secret", _("This is an open vote: the names are in the result."))
    if motion.status != MotionStatus.CLOSED:
        raise Conflict("voting_open", _("Receipts are published after a secret vote closes."))
    counted = {r for r, _c in operations.voting.counted_receipts(motion)}
    return [{"receipt": r, "choice": c, "counted": r in counted} for r, c in queries.receipts(motion)]


# --- the mission --------------------------------------------------------------------------------

def _version(v) -> dict:
    return {"version": v.number, "text": v.text, "effective_on": v.effective_on, "assembly": v.assembly_id,
            "motion": v.motion_id}


@blp.route("/mission", methods=["GET"])
@permission(P.MISSION_READ)
@blp.response(200, MissionSchema)
def mission():
    current = queries.current_mission()
    if current is None:
        raise NotFound(_("There is no mission yet."))
    return _version(current)


@blp.route("/mission/versions", methods=["GET"])
@permission(P.MISSION_READ)
@blp.response(200, MissionSchema(many=True))
def mission_versions():
    return [_version(v) for v in queries.mission_versions()]


# --- the statute texts (kept like the mission) ---------------------------------------------------

def _statute_document(document: str) -> str:
    if document not in STATUTE_DOCUMENTS:
        raise NotFound(_("There is no such statute text."))
    return document


@blp.route("/statute-texts/<document>", methods=["GET"])
@permission(P.MISSION_READ)
@blp.response(200, MissionSchema)
def statute_text(document: str):
    current = queries.current_statute(_statute_document(document))
    if current is None:
        raise NotFound(_("This statute text has no version yet."))
    return _version(current)


@blp.route("/statute-texts/<document>/versions", methods=["GET"])
@permission(P.MISSION_READ)
@blp.response(200, MissionSchema(many=True))
def statute_versions(document: str):
    return [_version(v) for v in queries.statute_versions(_statute_document(document))]
