"""JSON shapes of the votes API (they also build the OpenAPI document). Input schemas
check types only; every rule is the operations', so the API and the pages agree."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from .models import SubjectLabel

SUBJECTS = [s.value for s in SubjectLabel]
CHOICES = ["yes", "no", "abstain"]


class Input(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class Text(ma.fields.Raw):
    def __init__(self, **kwargs):
        metadata = {"type": "string", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)


class MotionCreateSchema(Input):
    title = Text(required=True)
    subject = ma.fields.String(required=True, metadata={"enum": SUBJECTS})
    rationale = Text(load_default="")
    current_text = Text(load_default=None, allow_none=True,
                        metadata={"description": "A mission motion defaults to the current mission."})
    proposed_text = Text(load_default=None, allow_none=True)
    secret = ma.fields.Boolean(load_default=None, allow_none=True,
                               metadata={"description": "Default: secret for elections, open otherwise."})
    by_correspondence = ma.fields.Boolean(load_default=False)
    amendments_until = Text(load_default=None, allow_none=True,
                            metadata={"description": "Deadline for amendments (date or ISO datetime)."})


class AmendmentCreateSchema(Input):
    proposed_text = Text(required=True)
    rationale = Text(load_default="")


class AmendmentDecisionSchema(Input):
    admit = ma.fields.Boolean(required=True)
    reasons = Text(required=True)


class CommentCreateSchema(Input):
    body = Text(required=True, metadata={"description": "Markdown."})


class CommentHideSchema(Input):
    reason = Text(required=True)


class BallotCreateSchema(Input):
    choice = ma.fields.String(required=True, validate=validate.OneOf(CHOICES))
    on_behalf_of = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                     validate=validate.Range(min=1, max=2**31 - 1),
                                     metadata={"description": "A delegator's register number (proxy vote)."})


class RoomVoteSchema(Input):
    against = ma.fields.List(ma.fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1)),
                             load_default=list)
    abstaining = ma.fields.List(ma.fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1)),
                                load_default=list)


class CreatedSchema(ma.Schema):
    id = ma.fields.Integer()


class ReceiptSchema(ma.Schema):
    receipt = ma.fields.String(allow_none=True, metadata={"description": "Secret votes only."})
    choice = ma.fields.String()
    channel = ma.fields.String()
    secret = ma.fields.Boolean()
    motion = ma.fields.Integer()


class ResultSchema(ma.Schema):
    status = ma.fields.String()
    yes = ma.fields.Integer(allow_none=True)
    no = ma.fields.Integer(allow_none=True)
    abstain = ma.fields.Integer(allow_none=True)
    present = ma.fields.Integer(allow_none=True)
    eligible = ma.fields.Integer(allow_none=True)
    dropped_by_correspondence = ma.fields.Integer(allow_none=True)
    rule = ma.fields.String(allow_none=True)
    rule_text = ma.fields.String(allow_none=True)
    outcome = ma.fields.String()
    explanation = ma.fields.String()
    receipts_digest = ma.fields.String(allow_none=True)
    names = ma.fields.Dict(allow_none=True)


class PublishedReceiptSchema(ma.Schema):
    receipt = ma.fields.String()
    choice = ma.fields.String()
    counted = ma.fields.Boolean()


class MissionSchema(ma.Schema):
    version = ma.fields.Integer()
    text = ma.fields.String()
    effective_on = ma.fields.Date()
    assembly = ma.fields.Integer(allow_none=True)
    motion = ma.fields.Integer(allow_none=True)
