"""The roster's lifecycle in the API: deaths (`death`), releases (`release`), moves between communes
(`transfers`) and possible relapses (`relapse`). Whereabouts and leaving or returning are in `people.api.roster`."""

from donghanh.roster.api.death import PersonDeathViewSet
from donghanh.roster.api.relapse import RelapseSignalViewSet
from donghanh.roster.api.release import ReleaseNoticeViewSet
from donghanh.roster.api.transfers import TransferViewSet

__all__ = ["PersonDeathViewSet", "RelapseSignalViewSet", "ReleaseNoticeViewSet", "TransferViewSet"]
