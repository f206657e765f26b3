"""Assembly use cases, one function each, called by the HTML views and the API alike."""
from .common import get_assembly, lock, moment  # noqa: F401
from .convening import (confirm_own_receipt, confirm_receipt, publish, receipt_token, reconvene,  # noqa: F401
                        resend, topic_of)
from .minutes import (attach_document, draft_minutes, regenerate_minutes, remove_document,  # noqa: F401
                      set_item_summary, sign_minutes, update_minutes)
from .preparing import (add_item, create_assembly, delete_assembly, move_item, remove_item,  # noqa: F401
                        reorder_items, schedule_pending_appeals, update_assembly, update_item)
from .proxies import decline_proxy, eligible_delegates, give_proxy, revoke_proxy  # noqa: F401
from .session import check_in, check_out, close_session, designate, member_for_check_in, open_session  # noqa: F401
