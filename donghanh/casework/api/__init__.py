"""API: volunteer teams and volunteers, assignments, contacts, plans, monthly assessments, quarterly
classifications, scored instruments, the work list and coverage.

Reads start from the user's scope, so a record outside it answers 404; a volunteer sees only the
people assigned to them now. Writes go through the services; their ValidationErrors come back as
400 {field: [messages]} in the request's language. Monthly drug use and ASSIST scores are shown
only to roles that may see drug use at the person's commune, and each person shown with them
leaves one access-log entry.
"""

from donghanh.casework.api.assessments import AssessmentViewSet, ClassificationViewSet, InstrumentRecordViewSet
from donghanh.casework.api.overview import CoverageViewSet, WorkListViewSet
from donghanh.casework.api.records import ContactViewSet, PlanGoalViewSet, PlanViewSet
from donghanh.casework.api.teams import AssignmentViewSet, VolunteerTeamViewSet, VolunteerViewSet

__all__ = [
    "AssessmentViewSet",
    "AssignmentViewSet",
    "ClassificationViewSet",
    "ContactViewSet",
    "CoverageViewSet",
    "InstrumentRecordViewSet",
    "PlanGoalViewSet",
    "PlanViewSet",
    "VolunteerTeamViewSet",
    "VolunteerViewSet",
    "WorkListViewSet",
]
