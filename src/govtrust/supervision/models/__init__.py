"""The supervision app's models, one module per area of plan 三 and 四; each new area adds
its module here."""

from govtrust.supervision.models.evaluation import (
    EvaluatedUnit,
    EvaluationCommission,
    EvaluationIndicator,
    EvaluationScore,
    Evaluator,
    ScoreSheet,
)
from govtrust.supervision.models.plan_tasks import (
    PlanEscalation,
    PlanReportDue,
    PlanTask,
    PlanTaskUnit,
    ProgressReport,
    ReportAttachment,
    ReportState,
    UnitRole,
)
from govtrust.supervision.models.suggestions import (
    ResultCode,
    Satisfaction,
    Suggestion,
    SuggestionKind,
    SuggestionState,
)

__all__ = [
    "EvaluatedUnit",
    "EvaluationCommission",
    "EvaluationIndicator",
    "EvaluationScore",
    "Evaluator",
    "PlanEscalation",
    "PlanReportDue",
    "PlanTask",
    "PlanTaskUnit",
    "ProgressReport",
    "ReportAttachment",
    "ReportState",
    "ResultCode",
    "Satisfaction",
    "ScoreSheet",
    "Suggestion",
    "SuggestionKind",
    "SuggestionState",
    "UnitRole",
]
