"""The support given in a period as an Excel file: every service started in the period for the people of the unit
(`services_given`, the rows the support page counts) and the page's totals by service (`support_totals`).

What a row names is what the support page and the person's support tab show: the person, the service, who gave it,
when, and the amount; the notes and outcomes stay on the person's page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.core.periods import Period
from donghanh.core.xlsx import Column, Kind, ListFile, ListSheet, list_filename, list_workbook
from donghanh.orgunits.forms import unit_label
from donghanh.orgunits.models import OrgUnit
from donghanh.support.models import ServiceRecord
from donghanh.support.selectors import services_given, support_totals

CHUNK = 2000

# What the access log says was exported: stable English words, whatever the viewer's language.
EXPORTED = "support given"


def _record_rows(records: QuerySet[ServiceRecord]) -> Iterator[list[Any]]:
    for r in records.iterator(chunk_size=CHUNK):
        provider = r.provider.name if r.provider is not None else r.provider_name
        yield [
            r.person.code,
            r.person.full_name,
            r.person.unit.name,
            r.service_type.label,
            provider,
            r.start_date,
            r.end_date,
            r.amount,
        ]


def services_file(user: Any, unit: OrgUnit, period: Period) -> ListFile:
    """Support given in `period` to the people of `unit`'s subtree the user may see: each service, then the totals."""
    given = services_given(user, unit, period.first, period.last)
    records = ListSheet(
        _("Support given — %(period)s") % {"period": period.label},
        [
            Column(_("Code"), width=12),
            Column(_("Full name"), width=26),
            Column(_("Managing commune"), width=22),
            Column(_("Service"), width=26),
            Column(_("Provider"), width=26),
            Column(_("Start"), Kind.DATE),
            Column(_("End"), Kind.DATE),
            Column(_("Amount"), Kind.MONEY),
        ],
        _record_rows(given),
        tab=_("Services given"),
    )
    overall = given.aggregate(people=Count("person", distinct=True), amount=Sum("amount"))
    totals = [
        [str(t.service_type), t.people, t.records, t.amount if t.service_type.involves_money else None]
        for t in support_totals(user, unit, period.first, period.last)
    ]
    totals.append([_("All support"), overall["people"], None, overall["amount"] or 0])
    summary = ListSheet(
        _("Totals by service — %(period)s") % {"period": period.label},
        [
            Column(_("Service"), width=30),
            Column(_("People"), Kind.INTEGER, width=12),
            Column(_("Times given"), Kind.INTEGER, width=12),
            Column(_("Amount"), Kind.MONEY),
        ],
        totals,
        tab=_("Totals"),
    )
    filters = [f"{_('Period')}: {period.label} ({period.first:%d/%m/%Y} – {period.last:%d/%m/%Y})"]
    today = timezone.localdate()
    content = list_workbook(unit=unit_label(unit), filters=filters, sheets=[records, summary], printed_on=today)
    return ListFile(
        content=content,
        filename=list_filename(f"ho tro {period.code}", unit.name, today),
        rows=records.written,
        about=unit,
        unit=unit,
        filters="; ".join(filters),
    )
