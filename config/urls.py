"""URL configuration. Every view declares its access (see donghanh.accounts.access); a test enforces it."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from donghanh.accounts.api_views import DocsView, MeView, SchemaView
from donghanh.casework.api import (
    AssessmentViewSet,
    AssignmentViewSet,
    ClassificationViewSet,
    ContactViewSet,
    CoverageViewSet,
    InstrumentRecordViewSet,
    PlanGoalViewSet,
    PlanViewSet,
    VolunteerTeamViewSet,
    VolunteerViewSet,
    WorkListViewSet,
)
from donghanh.community.api import (
    ActivityViewSet,
    BoardMemberViewSet,
    CommunityModelViewSet,
    MembershipViewSet,
    ModelTypeViewSet,
    RoadmapTargetViewSet,
    SessionViewSet,
)
from donghanh.episodes.api import EpisodeViewSet
from donghanh.imports.api import ImportViewSet
from donghanh.orgunits.api import OrgUnitViewSet
from donghanh.people.api.people import PersonViewSet
from donghanh.people.api.records import DeterminationViewSet, DrugTestViewSet
from donghanh.people.api.roster import PersonRosterViewSet
from donghanh.privacy.api.consent import ConsentViewSet
from donghanh.privacy.api.requests import DataRequestViewSet
from donghanh.reports.api import ReportIndicatorsView
from donghanh.roster.api import PersonDeathViewSet, RelapseSignalViewSet, ReleaseNoticeViewSet, TransferViewSet
from donghanh.support.api import (
    FollowUpViewSet,
    PartnerViewSet,
    ReferralViewSet,
    ServiceRecordViewSet,
    ServiceTypeViewSet,
)
from donghanh.web.api import CodesView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("org-units", OrgUnitViewSet, basename="orgunit")
router.register("partners", PartnerViewSet, basename="partner")
router.register("people", PersonViewSet, basename="person")
# Actions on a person that their own apps define: whereabouts and the roster (people), death (roster).
router.register("people", PersonRosterViewSet, basename="person-roster")
router.register("people", PersonDeathViewSet, basename="person-death")
router.register("release-notices", ReleaseNoticeViewSet, basename="releasenotice")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("relapse-signals", RelapseSignalViewSet, basename="relapsesignal")
router.register("episodes", EpisodeViewSet, basename="episode")
router.register("drug-tests", DrugTestViewSet, basename="drugtest")
router.register("consents", ConsentViewSet, basename="consent")
router.register("data-requests", DataRequestViewSet, basename="datarequest")
router.register("determinations", DeterminationViewSet, basename="determination")
router.register("volunteer-teams", VolunteerTeamViewSet, basename="volunteerteam")
router.register("volunteers", VolunteerViewSet, basename="volunteer")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("contacts", ContactViewSet, basename="contact")
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-goals", PlanGoalViewSet, basename="plangoal")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("classifications", ClassificationViewSet, basename="classification")
router.register("instruments", InstrumentRecordViewSet, basename="instrumentrecord")
router.register("worklist", WorkListViewSet, basename="worklist")
router.register("coverage", CoverageViewSet, basename="coverage")
router.register("service-types", ServiceTypeViewSet, basename="servicetype")
router.register("services", ServiceRecordViewSet, basename="servicerecord")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("follow-ups", FollowUpViewSet, basename="followup")
router.register("model-types", ModelTypeViewSet, basename="modeltype")
router.register("community-models", CommunityModelViewSet, basename="communitymodel")
router.register("board-members", BoardMemberViewSet, basename="boardmember")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("sessions", SessionViewSet, basename="session")
router.register("community-activities", ActivityViewSet, basename="activity")
router.register("roadmap-targets", RoadmapTargetViewSet, basename="roadmaptarget")
router.register("imports", ImportViewSet, basename="import")

urlpatterns = [
    path("", include("donghanh.web.urls")),
    path("accounts/", include("donghanh.accounts.auth_urls")),
    path("users/", include("donghanh.accounts.urls")),
    path("units/", include("donghanh.orgunits.urls")),
    path("audit/", include("donghanh.audit.urls")),
    path("people/", include("donghanh.people.urls")),
    path("episodes/", include("donghanh.episodes.urls")),
    path("roster/", include("donghanh.roster.urls")),
    path("privacy/", include("donghanh.privacy.urls")),
    path("casework/", include("donghanh.casework.urls")),
    path("support/", include("donghanh.support.urls")),
    path("community/", include("donghanh.community.urls")),
    path("reports/", include("donghanh.reports.urls")),
    path("imports/", include("donghanh.imports.urls")),
    path("search/", include("donghanh.search.urls")),
    path("api/v1/", include(router.urls)),
    path("api/v1/reports/indicators/", ReportIndicatorsView.as_view(), name="api-report-indicators"),
    path("api/v1/me/", MeView.as_view(), name="api-me"),
    path("api/v1/codes/", CodesView.as_view(), name="api-codes"),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
]

# A URL no route matches: JSON under /api/, the page elsewhere.
handler404 = "donghanh.core.api.not_found"
