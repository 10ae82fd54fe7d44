"""The registry of indicators: every figure a report shows, with its definition, in one place.

Indicators come in families. A family is one kind of row the database counts (people on the roster on the
period's last day, periods on the roster with what happened in them, moves waiting for an answer, volunteers,
communes, community models, members, services, referrals) with the annotations its
indicators test; an indicator is a condition on those rows and what is counted of them. A family's
indicators are computed together, in one query for the whole unit and one for its breakdown by child units,
whatever the size of the subtree.

A share is a numerator indicator over a denominator indicator of the same family. Codes are stable: targets,
the API and exported files refer to them.

`base` says what an indicator and a family are; each family is defined in its own module (`people`, `roster`,
`volunteers`, `community`, `support`), and the registry below lists them in report order.
"""

from __future__ import annotations

from donghanh.reports.indicators import community, people, roster, support, volunteers
from donghanh.reports.indicators.base import (
    SECTION_LABELS,
    Context,
    Family,
    Indicator,
    Kind,
    Section,
    context_for,
    registry,
)

__all__ = [
    "FAMILIES",
    "INDICATORS",
    "SECTION_LABELS",
    "Context",
    "Family",
    "Indicator",
    "Kind",
    "Section",
    "context_for",
    "indicators_for",
]

# The order families are computed in, and INDICATORS lists their indicators in; reports sort by position.
FAMILIES, INDICATORS = registry(
    people.PEOPLE,
    roster.ROSTER,
    roster.TRANSFERS,
    volunteers.VOLUNTEERS,
    volunteers.COMMUNES,
    community.MODELS,
    community.MEMBERS,
    support.SERVICES,
    support.REFERRALS,
)


def indicators_for(ctx: Context) -> list[Indicator]:
    """Every indicator for the period (the registry's and those that depend on data), in report order."""
    found = [indicator for family in FAMILIES.values() for indicator in family.all_indicators(ctx)]
    return sorted(found, key=lambda indicator: (indicator.position, indicator.code))
