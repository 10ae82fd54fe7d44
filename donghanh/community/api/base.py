"""Pieces the community endpoints share: models found within the user's scope, memberships serialized."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from donghanh.casework.api.base import PERSON_READ_FIELDS, PersonRecordSerializer, ScopedRelatedField
from donghanh.community.models import CommunityModel, Membership


def model_field(**kwargs: Any) -> ScopedRelatedField[CommunityModel]:
    """A community model's id, among those the user sees (the service then checks what they may do there)."""
    return ScopedRelatedField[CommunityModel](CommunityModel, **kwargs)


class MembershipSerializer(PersonRecordSerializer[Membership]):
    model_name = serializers.CharField(source="model.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "model", "model_name", *PERSON_READ_FIELDS, "joined_on", "left_on", "leave_reason", "note"]
        read_only_fields = fields
