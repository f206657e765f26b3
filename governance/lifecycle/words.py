"""How the audit log reads the lifecycle's actions and fields (codes stay in the log)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.outbox import register_topics
from .models import AppealStatus, ApplicationStatus, LoginNotLinked, WithdrawalStatus


def register() -> None:
    audit.register_words(
        actions={
            "application.submit": _l("Application for membership submitted"),
            "application.admit": _l("Application accepted: admitted"),
            "application.reject": _l("Application refused"),
            "application.appeal": _l("Appeal to the assembly lodged"),
            "application.login_linked": _l("Existing login linked to the new member"),
            "application.login_not_linked": _l("Existing login not linked"),
            "application.activation_resent": _l("Activation link sent again"),
            "application.tokens_revoked": _l("Applicant's links revoked"),
            "application.password_reset": _l("Applicant's password reset through the emailed link"),
            "appeal.schedule": _l("Appeal put on an assembly's agenda"),
            "appeal.decide": _l("Assembly's decision on an appeal recorded"),
            "withdrawal.request": _l("Withdrawal requested"),
            "withdrawal.cancel": _l("Withdrawal request taken back by the member"),
            "withdrawal.accepted": _l("Withdrawal accepted"),
            "withdrawal.refused": _l("Withdrawal refused"),
            "withdrawal.refusal_challenged": _l("Refusal of a withdrawal challenged in court"),
            "withdrawal.superseded": _l("Withdrawal request closed by another exit"),
            "accounts.approved": _l("Approval of the accounts recorded"),
        },
        fields={"application_status": _l("Application"), "refusal_reasons": _l("Reasons of the refusal"),
                "member_number": _l("Register number"), "reason": _l("Reason"),
                "user_id": _l("Login"), "loans_to_close": _l("Social loans to close"),
                "loans_closed_on": _l("Social loans closed on"),
                "accounts_approved_on": _l("Accounts approved on"),
                "financial_year": _l("Financial year"), "approved_on": _l("Approved on")},
        enums={"status": ApplicationStatus, "application_status": ApplicationStatus,
               "reason": LoginNotLinked},
        dates=("loans_closed_on", "accounts_approved_on", "approved_on"),
        objects={"applications": _l("Application %(id)s"), "admission_appeals": _l("Appeal %(id)s"),
                 "withdrawal_requests": _l("Withdrawal request %(id)s"),
                 "member_exits": _l("Exit %(id)s"), "share_payments": _l("Share payment %(id)s"),
                 "accounts_approvals": _l("Accounts approval %(id)s")},
    )
    register_topics({"application": _l("Application %(id)s"), "member": _l("Member no. %(id)s"),
                     "digest": _l("Board digest of %(id)s")})
    audit.register_words(enums={"status": AppealStatus})
    audit.register_words(enums={"status": WithdrawalStatus})
