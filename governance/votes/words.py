"""The words of a result (DOMAIN.md §5): "approved: 64 yes of 90 present (71.1%), 2/3
required". Stored data are figures and codes; the sentence is made when shown, in the
reader's language, from the same pure rule that decided (votes.rules.majority)."""
from __future__ import annotations

from flask_babel import gettext as _, ngettext

from ..core.formatting import percent
from . import rules
from .models import Motion, MotionStatus


def _fraction(condition: rules.Condition) -> str:
    share = f"{condition.fraction.numerator}/{condition.fraction.denominator}"
    if condition.comparison == rules.MORE_THAN:
        return _("more than %(share)s", share=share)
    return _("at least %(share)s", share=share)


def outcome_of(motion: Motion) -> rules.Outcome | None:
    """The stored figures run through the rule again (pure, no query)."""
    if motion.status != MotionStatus.CLOSED or motion.present is None:
        return None
    from .operations.voting import assembly_parameters
    return rules.majority(motion.assembly.kind.value, motion.call or "first", motion.subject.value,
                          motion.eligible, motion.present, motion.yes, motion.no, motion.abstain,
                          assembly_parameters(motion.assembly.session_day()),
                          eligible_votes=motion.eligible_votes, present_votes=motion.present_votes)


def rule_words(outcome: rules.Outcome) -> str:
    parts = []
    for condition in outcome.conditions:
        if condition.base == rules.PRESENT:
            parts.append(_("yes %(share)s of the votes of those present", share=_fraction(condition)))
        else:
            parts.append(_("yes %(share)s of the voters on the roll", share=_fraction(condition)))
    return "; ".join(parts)


def explanation(motion: Motion) -> str:
    outcome = outcome_of(motion)
    if outcome is None:
        return _("The vote is not closed yet.")
    if outcome.reason == "no_quorum":
        text = _("Rejected: the quorum was not reached (%(present)d present of %(eligible)d on the roll, "
                 "%(required)d required).", present=outcome.present, eligible=outcome.eligible,
                 required=outcome.quorum.required)
    else:
        main = outcome.main
        base_words = (_("%(n)d present", n=main.base_count) if main.base == rules.PRESENT
                      else _("%(n)d on the roll", n=main.base_count))
        first = _("approved") if outcome.approved else _("rejected")
        text = _("%(outcome)s: %(yes)d yes of %(base)s (%(percent)s), %(share)s required",
                 outcome=first.capitalize(), yes=outcome.yes, base=base_words,
                 percent=percent(outcome.percent, 1), share=_fraction(main))
        for extra in outcome.conditions[1:]:
            text += _("; and %(share)s of the %(n)d on the roll (%(required)d yes)", share=_fraction(extra),
                      n=extra.base_count, required=extra.required_yes)
        text += "."
    if motion.dropped:
        text += " " + ngettext("%(num)d ballot by correspondence was not counted: the text put to the vote "
                               "was amended.",
                               "%(num)d ballots by correspondence were not counted: the text put to the "
                               "vote was amended.", motion.dropped)
    return text
