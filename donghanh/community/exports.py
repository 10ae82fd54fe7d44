"""A community model's members and their attendance as an Excel file: the members on the day the page shows, each
with the sessions held while a member in the period and those attended, read as the page reads them (`members_on`
narrowed to the user's scope, `attendance_rates`)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.scope import ScopedQuerySet
from donghanh.community.models import CommunityModel
from donghanh.community.selectors import attendance_rates, members_on
from donghanh.core.xlsx import Column, Kind, ListFile, ListSheet, list_filename, list_workbook
from donghanh.orgunits.forms import unit_label

# What the access log says was exported: stable English words, whatever the viewer's language.
EXPORTED = "members and attendance of a community model"


def members_file(
    user: Any, model: CommunityModel, on: datetime.date, first: datetime.date, last: datetime.date
) -> ListFile:
    """The model's members on `on` the user may see, with their attendance from `first` to `last`."""
    members = cast(ScopedQuerySet, members_on(model, on)).accessible_to(user)
    rates = {rate.membership.pk: rate for rate in attendance_rates(members, first, last)}
    columns = [
        Column(_("Code"), width=12),
        Column(_("Full name"), width=26),
        Column(_("Joined on"), Kind.DATE),
        Column(_("Left on"), Kind.DATE),
        Column(_("Sessions held"), Kind.INTEGER, width=12),
        Column(_("Sessions attended"), Kind.INTEGER, width=12),
        Column(_("Attendance rate"), Kind.PERCENT, width=12),
        Column(_("Attends regularly"), width=12),
    ]
    yes, no = _("Yes"), _("No")
    rows = []
    for m in members:
        rate = rates.get(m.pk)
        held, attended = (rate.held, rate.attended) if rate is not None else (0, 0)
        regular = rate is not None and rate.regular
        rows.append(
            [
                m.person.code,
                m.person.full_name,
                m.joined_on,
                m.left_on,
                held,
                attended,
                rate.rate if rate is not None else None,
                yes if regular else no,
            ]
        )
    sheet = ListSheet(_("Members and attendance of %(model)s") % {"model": model.name}, columns, rows, tab=_("Members"))
    filters = [
        f"{_('Members as of')}: {on:%d/%m/%Y}",
        f"{_('Attendance from')}: {first:%d/%m/%Y} {_('until')} {last:%d/%m/%Y}",
    ]
    today = timezone.localdate()
    content = list_workbook(unit=unit_label(model.unit), filters=filters, sheets=[sheet], printed_on=today)
    return ListFile(
        content=content,
        filename=list_filename("thanh vien", model.name, today),
        rows=sheet.written,
        about=model,
        unit=model.unit,
        filters="; ".join(filters),
    )
