"""API of community models: their types, the models with their status, board and members, sessions with
attendance, community activities and roadmap targets.

Reads start from the user's scope, so a record outside it answers 404; a board member sees only the
models whose board they sit on today, and their current members. Writes go through the services;
their ValidationErrors come back as 400 {field: [messages]} in the request's language.
"""

from donghanh.community.api.activities import ActivityViewSet, RoadmapTargetViewSet
from donghanh.community.api.directory import BoardMemberViewSet, CommunityModelViewSet, ModelTypeViewSet
from donghanh.community.api.members import MembershipViewSet, SessionViewSet

__all__ = [
    "ActivityViewSet",
    "BoardMemberViewSet",
    "CommunityModelViewSet",
    "MembershipViewSet",
    "ModelTypeViewSet",
    "RoadmapTargetViewSet",
    "SessionViewSet",
]
