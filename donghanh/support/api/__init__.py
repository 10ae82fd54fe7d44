"""API of support: partners, service types, services given, referrals and treatment follow-ups.

Reads start from the user's scope, so a record outside it answers 404; a volunteer sees only the
people assigned to them. Writes go through the services; their ValidationErrors come back as 400
{field: [messages]} in the request's language. Health and drug-treatment referrals are shown only
to roles that may see them, and each person shown with one leaves an access-log entry.
"""

from donghanh.support.api.partners import PartnerViewSet
from donghanh.support.api.referrals import FollowUpViewSet, ReferralViewSet
from donghanh.support.api.services import ServiceRecordViewSet, ServiceTypeViewSet

__all__ = ["FollowUpViewSet", "PartnerViewSet", "ReferralViewSet", "ServiceRecordViewSet", "ServiceTypeViewSet"]
