"""The clock of the demo's tests: stopped on a day, at 10:00 in Hà Nội, as the services read it."""

from __future__ import annotations

import datetime
import zoneinfo

import time_machine

HANOI_TIME = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def stopped_on(day: datetime.date) -> time_machine.travel:
    """`with stopped_on(day):` the demo is made (and read) as if on `day`."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=HANOI_TIME), tick=False)
