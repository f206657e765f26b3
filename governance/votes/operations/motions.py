"""Motions, amendments and the discussion (DOMAIN.md §5)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ...assemblies.models import AgendaItem, AssemblyStatus
from ...assemblies.rules import rome_day
from ...core import audit, clock, inputs
from ...core.errors import Conflict, DomainError
from ...core.formatting import day
from ...core.inputs import Problems
from ...extensions import db
from ...statute.queries import value_on
from .. import queries, rules
from ..models import Amendment, AmendmentStatus, Comment, Motion, MotionStatus, SubjectLabel

TEXT_MAX = 20_000
TEXT_SUBJECTS = frozenset({"mission", "statute_purpose", "statute_other", "loan_regulation"})
# the texts kept in versions: an approved motion on one becomes its next version
VERSIONED_SUBJECTS = frozenset({"mission", "statute_purpose", "statute_other"})


def _when(raw: Any):
    """A deadline: an aware datetime, or a day (the end of that day in Rome)."""
    from datetime import datetime, time
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        if raw.tzinfo is None:
            raise inputs.InvalidInput(_("Not a date (use DD/MM/YYYY)."))
        return raw
    if isinstance(raw, str) and "T" in raw:
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise inputs.InvalidInput(_("Not a date (use DD/MM/YYYY).")) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=clock.ROME)
    the_day = inputs.day(raw)
    return datetime.combine(the_day, time(23, 59, 59), tzinfo=clock.ROME)


def create_motion(item: AgendaItem, data: dict, actor) -> Motion:
    """A motion on an agenda item. A mission or statute change carries the current and
    the proposed text (the current mission by default); a statute change on an ordinary
    assembly is refused (`wrong_assembly_kind`). A motion voted by correspondence must
    be in the convocation, so it is written before the assembly is published."""
    assembly = item.assembly
    if assembly.status not in (AssemblyStatus.DRAFT, AssemblyStatus.CONVENED, AssemblyStatus.IN_SESSION):
        raise Conflict("assembly_closed", _("The assembly is closed: no more motions."))
    problems = Problems()
    title = problems.take("title", inputs.text, data.get("title"), max_length=300, required=True)
    subject_raw = str(data.get("subject") or "")
    subject = SubjectLabel.from_value(subject_raw)
    if subject is None:
        problems.add("subject", _("Choose a subject."))
    rationale = problems.take("rationale", inputs.text, data.get("rationale"), max_length=TEXT_MAX,
                              multiline=True) or ""
    current_text = problems.take("current_text", inputs.text, data.get("current_text"), max_length=TEXT_MAX,
                                 multiline=True)
    proposed_text = problems.take("proposed_text", inputs.text, data.get("proposed_text"),
                                  max_length=TEXT_MAX, multiline=True)
    deadline = problems.take("amendments_until", _when, data.get("amendments_until"))
    by_correspondence = inputs.flag(data.get("by_correspondence"))
    secret = inputs.flag(data.get("secret")) if data.get("secret") is not None else subject_raw == "election"
    if subject is not None:
        if rules.kind_problem(subject.value, assembly.kind.value):
            problems.add("subject", _("A statute change needs an extraordinary assembly: this one is ordinary."),
                         "wrong_assembly_kind")
        if subject.value in TEXT_SUBJECTS and not proposed_text and "proposed_text" not in problems:
            problems.add("proposed_text", _("A change of a text needs the proposed text."))
        if subject.value in VERSIONED_SUBJECTS and current_text is None:
            current_text = queries.current_text(subject.value) or ""
    if by_correspondence and assembly.status != AssemblyStatus.DRAFT:
        problems.add("by_correspondence", _("Only a motion written before the convocation is published can be "
                                            "voted by correspondence: its full text must be in the notice."))
    elif by_correspondence and not value_on("remote_voting_allowed", rome_day(assembly.first_call_at)):
        problems.add("by_correspondence", _("The statute does not allow voting by correspondence or by "
                                            "electronic means (art. 2538 c.6 c.c.)."))
    if deadline is not None and deadline >= assembly.first_call_at:
        problems.add("amendments_until", _("The deadline for amendments must come before the first call "
                                           "(%(when)s).", when=day(assembly.first_call_at)))
    problems.raise_if_any(priority=("wrong_assembly_kind",))
    motion = Motion(agenda_item=item, title=title, subject=subject, rationale=rationale,
                    current_text=current_text, proposed_text=proposed_text, voted_text=proposed_text,
                    secret=secret, by_correspondence=by_correspondence, amendments_until=deadline,
                    status=MotionStatus.DRAFT, created_at=clock.now(), created_by_id=getattr(actor, "id", None))
    db.session.add(motion)
    db.session.flush()
    audit.record(actor, "votes.motion_created", motion, summary=title,
                 changes={"subject": [None, subject.value], "secret": [None, secret],
                          "by_correspondence": [None, by_correspondence]})
    return motion


# --- amendments ---------------------------------------------------------------------------

def propose_amendment(motion: Motion, member, data: dict, actor) -> Amendment:
    """A member's amendment to the proposed text, until the deadline the board set and
    before the vote opens (`amendment_deadline`)."""
    if motion.is_amendment or not motion.has_text:
        raise DomainError("validation", _("Only the text of a motion can be amended."))
    now = clock.now()
    if motion.status != MotionStatus.DRAFT or (motion.amendments_until and now > motion.amendments_until):
        raise DomainError("amendment_deadline", _("Amendments to this motion were accepted until %(when)s.",
                                                  when=day(motion.amendments_until or motion.opened_at or now)))
    if member is None:
        raise DomainError("not_entitled", _("Only members propose amendments."), status=403)
    problems = Problems()
    text = problems.take("proposed_text", inputs.text, data.get("proposed_text"), max_length=TEXT_MAX,
                         multiline=True, required=True)
    rationale = problems.take("rationale", inputs.text, data.get("rationale"), max_length=TEXT_MAX,
                              multiline=True) or ""
    if text is not None and text == (motion.proposed_text or "").strip():
        problems.add("proposed_text", _("The amendment is the same as the proposed text."))
    problems.raise_if_any()
    amendment = Amendment(motion=motion, author_id=member.id, proposed_text=text, rationale=rationale,
                          status=AmendmentStatus.PROPOSED, created_at=now)
    db.session.add(amendment)
    db.session.flush()
    return amendment


def decide_amendment(amendment: Amendment, admit: bool, reasons: Any, actor) -> Amendment:
    """The board admits or declines an amendment, with reasons either way. Admitted, it
    gets a vote of its own, to be held before the motion's."""
    motion = amendment.motion
    if amendment.status != AmendmentStatus.PROPOSED:
        raise Conflict("already_decided", _("This amendment was already %(status)s.",
                                            status=amendment.status.label.lower()))
    if motion.status != MotionStatus.DRAFT:
        raise Conflict("voting_closed", _("The vote on the motion has already opened."))
    problems = Problems()
    reasons = problems.take("reasons", inputs.text, reasons, max_length=5000, multiline=True)
    if not reasons and "reasons" not in problems:
        problems.add("reasons", _("Give the reasons for the decision."), "reasons_required")
    problems.raise_if_any()
    amendment.status = AmendmentStatus.ADMITTED if admit else AmendmentStatus.DECLINED
    amendment.reasons = reasons
    amendment.decided_at = clock.now()
    amendment.decided_by_id = getattr(actor, "id", None)
    if admit:
        number = sum(1 for a in queries.amendments_of(motion) if a.status == AmendmentStatus.ADMITTED)
        vote = Motion(agenda_item_id=motion.agenda_item_id, amendment_of=motion,
                      title=_("Amendment %(n)d to: %(title)s", n=number, title=motion.title)[:300],
                      subject=motion.subject, rationale=amendment.rationale,
                      current_text=motion.proposed_text, proposed_text=amendment.proposed_text,
                      voted_text=amendment.proposed_text, secret=motion.secret, by_correspondence=False,
                      status=MotionStatus.DRAFT, created_at=clock.now(), created_by_id=getattr(actor, "id", None))
        db.session.add(vote)
        db.session.flush()
        amendment.vote_id = vote.id
    db.session.flush()
    audit.record(actor, "votes.amendment_admitted" if admit else "votes.amendment_declined", amendment,
                 summary=reasons, changes={"status": ["proposed", amendment.status.value]})
    return amendment


# --- the discussion -----------------------------------------------------------------------

def add_comment(motion: Motion, user, body: Any) -> Comment:
    """A comment, until the vote opens (`discussion_closed`)."""
    if motion.status != MotionStatus.DRAFT:
        raise Conflict("discussion_closed", _("The discussion closed when the vote opened."))
    problems = Problems()
    text = problems.take("body", inputs.text, body, max_length=5000, multiline=True, required=True)
    problems.raise_if_any()
    member = getattr(user, "member", None)
    name = member.full_name if member is not None else getattr(user, "display_name", "")
    comment = Comment(motion_id=motion.id, author_id=user.id, author_name=(name or "")[:310], body=text,
                      created_at=clock.now())
    db.session.add(comment)
    db.session.flush()
    return comment


def hide_comment(comment: Comment, reason: Any, actor) -> Comment:
    """The board hides a comment with a reason (the author and everyone see the reason)."""
    if comment.hidden_at is not None:
        raise Conflict("already_hidden", _("This comment is already hidden."))
    problems = Problems()
    reason = problems.take("reason", inputs.text, reason, max_length=1000, multiline=True)
    if not reason and "reason" not in problems:
        problems.add("reason", _("Give the reason for hiding the comment."), "reasons_required")
    problems.raise_if_any()
    comment.hidden_reason = reason
    comment.hidden_at = clock.now()
    comment.hidden_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "votes.comment_hidden", comment, summary=reason,
                 changes={"hidden": [False, True]})
    return comment
