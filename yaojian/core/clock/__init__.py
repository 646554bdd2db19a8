"""The statutory clock: time limits in working days or calendar days, for every module.

Licensing counts its limits with it now; inspections, penalty cases and adverse-reaction
reports will later. One implementation, so that one day means the same everywhere.

    from yaojian.core import clock

    clock.add_days(accepted_on, 20)                         # the 20th working day after
    clock.state(accepted_on, 20, pauses=[clock.Pause(d1, d2, "专家评审")], extension=10)
    clock.bulk_remaining(starts, limits, paused_days, extensions, today)   # 100,000 at once

The rules, and where they come from:

- A working day is Monday to Friday, except the statutory holidays; a weekend day that the
  State Council makes a make-up working day (调休上班) is a working day. Source: the State
  Council's yearly notice on holiday arrangements (国务院办公厅关于某年部分节假日安排的通知),
  as shipped by `chinese_calendar` for its years; `HolidayOverride` rows (the system
  administrator's table) decide for any year, and fill the years the library does not know.
  A year with neither counts Monday to Friday and is reported by `unknown_years()`.
- A time limit starts on the day after the event: the start day is not counted
  (民法典 第二百零一条: 按照日计算期间的，开始的当日不计入，自下一日开始计算).
- Licensing limits are working days (行政许可法 第八十二条: 期限以工作日计算，不含法定节假日).
- The last day of a calendar-day limit that falls on a holiday or weekend moves to the next
  working day (民法典 第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为
  期间的最后一日). A working-day limit always ends on a working day.
- Days in a pause (expert review, on-site inspection, the applicant's corrections; 行政许可法
  第四十五条: 所需时间不计算在本节规定的期限内) never count; an open pause counts up to today.
  A pause that begins after the deadline does not move it.
- An extension lengthens the limit by that many days of the same kind (行政许可法 第四十二条:
  二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日): for working days, the
  extension's days are the working days after the original deadline.
- A clock warns when at most `warning_days(limit)` days remain: 3 days or 20 % of the limit
  (rounded up), whichever is larger. An overdue clock warns too.
"""

from yaojian.core.clock.calendar import (
    CALENDAR,
    CC_FIRST_YEAR,
    CC_LAST_YEAR,
    FROM_LIBRARY,
    FROM_OVERRIDES,
    KINDS,
    MAKE_UP_DAY_NAME,
    UNKNOWN,
    WORKING,
    CalendarDay,
    CalendarRangeError,
    add_days,
    days_between,
    forget_used_years,
    invalidate,
    is_known,
    is_working_day,
    library_knows,
    next_working_day,
    override_years,
    unknown_years,
    year_calendar,
    year_status,
    years_needing_data,
)
from yaojian.core.clock.limits import (
    WARNING_MIN_DAYS,
    WARNING_PERCENT,
    ClockState,
    Pause,
    bulk_deadlines,
    bulk_deadlines_numbers,
    bulk_remaining,
    deadline,
    remaining,
    state,
    warning_days,
)

__all__ = [
    "CALENDAR",
    "CC_FIRST_YEAR",
    "CC_LAST_YEAR",
    "FROM_LIBRARY",
    "FROM_OVERRIDES",
    "KINDS",
    "MAKE_UP_DAY_NAME",
    "UNKNOWN",
    "WARNING_MIN_DAYS",
    "WARNING_PERCENT",
    "WORKING",
    "CalendarDay",
    "CalendarRangeError",
    "ClockState",
    "Pause",
    "add_days",
    "bulk_deadlines",
    "bulk_deadlines_numbers",
    "bulk_remaining",
    "days_between",
    "deadline",
    "forget_used_years",
    "invalidate",
    "is_known",
    "is_working_day",
    "library_knows",
    "next_working_day",
    "override_years",
    "remaining",
    "state",
    "unknown_years",
    "warning_days",
    "year_calendar",
    "year_status",
    "years_needing_data",
]
