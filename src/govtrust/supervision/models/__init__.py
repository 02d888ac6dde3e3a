"""The supervision app's models, one module per area of plan 三 and 四; each new area adds
its module here."""

from govtrust.supervision.models.inspections import (
    ChecklistItem,
    Finding,
    FindingAttachment,
    FindingReminder,
    FindingSeverity,
    FindingState,
    Inspection,
    InspectionMember,
    InspectionState,
    InspectionTarget,
)
from govtrust.supervision.models.plan_tasks import (
    PlanEscalation,
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
from govtrust.supervision.models.training import (
    TrainingAttendance,
    TrainingCourse,
    TrainingImport,
    TrainingImportState,
    TrainingMode,
    TrainingSession,
)

__all__ = [
    "ChecklistItem",
    "Finding",
    "FindingAttachment",
    "FindingReminder",
    "FindingSeverity",
    "FindingState",
    "Inspection",
    "InspectionMember",
    "InspectionState",
    "InspectionTarget",
    "PlanEscalation",
    "PlanTask",
    "PlanTaskUnit",
    "ProgressReport",
    "ReportAttachment",
    "ReportState",
    "ResultCode",
    "Satisfaction",
    "Suggestion",
    "SuggestionKind",
    "SuggestionState",
    "TrainingAttendance",
    "TrainingCourse",
    "TrainingImport",
    "TrainingImportState",
    "TrainingMode",
    "TrainingSession",
    "UnitRole",
]
