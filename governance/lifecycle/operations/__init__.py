"""Use cases of the membership lifecycle (DOMAIN.md §3), one function each, grouped by
what the user is doing (CONVENTIONS.md habit 13): applying, deciding, appeals, leaving,
shares, accounts.

Each one validates its input and the rules, changes the models, writes the audit log
and queues its emails (lifecycle.notifications), then flushes; the request wrapper
commits. Any DomainError leaves nothing stored. The HTML views and the JSON API both
call these functions and nothing else.
"""
from .accounts import record_accounts_approval, refund_due_after, refund_due_on  # noqa: F401
from .appeals import (  # noqa: F401
                      attach_pending_appeals,
                      lodge_appeal,
                      pending_appeals_for_agenda,
                      record_appeal_decision,
)
from .applying import (authenticate_applicant, request_applicant_password_reset,  # noqa: F401
                       reset_applicant_password, revoke_applicant_tokens, submit_application,
                       validate_application)
from .deciding import (  # noqa: F401
                      LOGIN_OTHER_MEMBER,
                      LOGIN_STAFF,
                      LOGIN_UNVERIFIED,
                      activate_account,
                      activation_user,
                      admit_applicant,
                      decide_application,
                      login_not_linked_message,
                      new_activation_for_login,
                      reject_applicant,
                      request_new_activation,
                      resend_activation,
)
from .leaving import (  # noqa: F401
                      apply_due_exits,
                      decide_withdrawal,
                      record_challenge, record_withdrawal_challenge,
                      record_exit,
                      request_withdrawal,
)
from .shares import record_share_payment, subscribed_amount  # noqa: F401
from .digest import send_board_digest  # noqa: F401,E402
from .leaving import cancel_withdrawal  # noqa: F401,E402
