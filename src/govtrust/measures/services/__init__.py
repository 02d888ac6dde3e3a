"""Every write to measures and measure rules goes through these services."""

from govtrust.measures.services.issue import (
    measure_rule_revise,
    measures_issue,
    measures_lift,
    measures_mitigate,
    rules_in_force,
)
from govtrust.measures.services.rectification import (
    rectification_submit,
    rectification_verify,
    rectifications_escalate,
)

__all__ = [
    "measure_rule_revise",
    "measures_issue",
    "measures_lift",
    "measures_mitigate",
    "rectification_submit",
    "rectification_verify",
    "rectifications_escalate",
    "rules_in_force",
]
