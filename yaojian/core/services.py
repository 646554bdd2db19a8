"""Writes of the shared kernel: the administrators' holiday table behind the statutory clock.

Only the system administrator changes it (系统管理员 maintains reference tables); every change
is audited and drops the clock's cached table in this process (other processes see it within
`YAOJIAN_CLOCK_RECHECK_SECONDS`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.accounts.services import require_role
from yaojian.audit import services as audit
from yaojian.core import clock
from yaojian.core.errors import NotFound, ValidationFailed
from yaojian.core.models import HolidayOverride

HOLIDAY_FIELDS = ["day", "is_working_day", "name"]
NAME_MAX = HolidayOverride._meta.get_field("name").max_length
FIRST_YEAR, LAST_YEAR = 1949, 2199  # what the page accepts; the clock itself counts any year

# what marks a pasted line as a make-up working day, or (optionally) as a day off
WORK_MARKS = {"上班", "补班", "班", "work", "working", "workday"}
OFF_MARKS = {"休", "休息", "放假", "off", "holiday"}


def _changed() -> None:
    clock.invalidate()
    transaction.on_commit(clock.invalidate)


def _full_clean(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationFailed.from_django(error) from None


def _as_date(value: Any, field: str = "day") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed.field(field, _("Enter a date as YYYY-MM-DD.")) from None


def _check_year(year: int, field: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed.field(
            field,
            _("Choose a year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def holiday_set(*, actor: Any, day: Any, is_working_day: bool, name: str) -> HolidayOverride:
    """Create or change the override of one day. A make-up working day without a name is
    named 调休上班; a day off needs its holiday's name."""
    require_role(actor, Role.SYSTEM_ADMIN, action="core.holiday.set")
    day = _as_date(day)
    _check_year(day.year, "day")
    name = (name or "").strip() or (clock.MAKE_UP_DAY_NAME if is_working_day else "")
    with transaction.atomic():
        row = HolidayOverride.objects.select_for_update().filter(day=day).first()
        before = audit.snapshot(row, HOLIDAY_FIELDS) if row else None
        if row is None:
            row = HolidayOverride(day=day, created_by=actor)
        row.is_working_day = bool(is_working_day)
        row.name = name
        _full_clean(row)
        row.save()
        audit.record(
            actor=actor,
            action="core.holiday.set",
            obj=row,
            changes=audit.diff(before, audit.snapshot(row, HOLIDAY_FIELDS)),
        )
        _changed()
    return row


def holiday_delete(*, actor: Any, day: Any) -> None:
    """Remove the override of one day: chinese_calendar (or the weekday rule) decides again."""
    require_role(actor, Role.SYSTEM_ADMIN, action="core.holiday.delete")
    day = _as_date(day)
    with transaction.atomic():
        row = HolidayOverride.objects.select_for_update().filter(day=day).first()
        if row is None:
            raise NotFound(_("There is no holiday override on %(day)s.") % {"day": day})
        before = audit.snapshot(row, HOLIDAY_FIELDS)
        audit.record(actor=actor, action="core.holiday.delete", obj=row, changes={"before": before})
        row.delete()
        _changed()


# --- a whole year from a pasted list --------------------------------------------------------


@dataclass(frozen=True)
class HolidayLine:
    line: int
    day: dt.date
    is_working_day: bool
    name: str


@dataclass(frozen=True)
class HolidayImport:
    year: int
    created: int
    replaced: int


_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_LINE = re.compile(
    rf"^(?P<first>{_DATE})(?:\s*(?:~|～|至|到|—|–|\.\.)\s*(?P<last>{_DATE}))?(?P<rest>.*)$"
)
_SEPARATORS = re.compile(r"[\s,，;；:：、|]+")


def _parse_date(text: str) -> dt.date | None:
    match = re.fullmatch(_DATE, text.strip())
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_holiday_list(text: str, *, year: int) -> tuple[list[HolidayLine], list[str]]:
    """Read one day per line: `YYYY-MM-DD name`, with 上班 (or `work`) for a make-up working day.

    A range `YYYY-MM-DD~YYYY-MM-DD name` stands for every day in it. Blank lines and lines
    starting with # are skipped. Returns the days and the errors, one message per wrong line.
    """
    days: list[HolidayLine] = []
    errors: list[str] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            errors.append(
                _("Line %(line)s: “%(text)s” does not start with a date (YYYY-MM-DD).")
                % {"line": number, "text": line[:40]}
            )
            continue
        first = _parse_date(match["first"])
        last = _parse_date(match["last"]) if match["last"] else first
        if first is None or last is None:
            bad = match["first"] if first is None else match["last"]
            errors.append(
                _("Line %(line)s: %(date)s is not a real date.")
                % {"line": number, "date": bad.strip()}
            )
            continue
        if last < first:
            errors.append(_("Line %(line)s: the range ends before it starts.") % {"line": number})
            continue
        if first.year != year or last.year != year:
            wrong = first if first.year != year else last
            errors.append(
                _("Line %(line)s: %(date)s is not in %(year)s.")
                % {"line": number, "date": wrong.isoformat(), "year": year}
            )
            continue
        words = [w for w in _SEPARATORS.split(match["rest"]) if w]
        working = any(w.lower() in WORK_MARKS or w.endswith(("上班", "补班")) for w in words)
        name_words = [w for w in words if w.lower() not in WORK_MARKS | OFF_MARKS]
        name = " ".join(name_words) or (clock.MAKE_UP_DAY_NAME if working else "")
        if not name:
            errors.append(
                _("Line %(line)s: give the name of the holiday (for example 元旦).")
                % {"line": number}
            )
            continue
        if len(name) > NAME_MAX:
            errors.append(
                _("Line %(line)s: the name is longer than %(max)s characters.")
                % {"line": number, "max": NAME_MAX}
            )
            continue
        day = first
        while day <= last:
            if day in seen:
                errors.append(
                    _("Line %(line)s: %(date)s is already on line %(other)s.")
                    % {"line": number, "date": day.isoformat(), "other": seen[day]}
                )
                break
            seen[day] = number
            days.append(HolidayLine(number, day, working, name))
            day += dt.timedelta(days=1)
    if not days and not errors:
        errors.append(_("Paste at least one line: a date and a name."))
    return days, errors


def holiday_import(*, actor: Any, year: int, text: str) -> HolidayImport:
    """Replace a year's overrides with a pasted list (the State Council's notice for the year).

    All or nothing: if any line is wrong, nothing is saved and every wrong line is reported
    (field "text", one message per line).
    """
    require_role(actor, Role.SYSTEM_ADMIN, action="core.holiday.import")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed.field("year", _("Enter a year, for example 2027.")) from None
    _check_year(year, "year")
    days, errors = parse_holiday_list(text, year=year)
    if errors:
        raise ValidationFailed(
            _("%(count)s lines are not valid; nothing was saved.") % {"count": len(errors)}
            if len(errors) > 1
            else errors[0],
            errors={"text": errors},
        )
    with transaction.atomic():
        existing = HolidayOverride.objects.select_for_update().filter(
            day__gte=dt.date(year, 1, 1), day__lte=dt.date(year, 12, 31)
        )
        replaced = len(list(existing))
        existing.delete()
        HolidayOverride.objects.bulk_create(
            HolidayOverride(
                day=d.day, is_working_day=d.is_working_day, name=d.name, created_by=actor
            )
            for d in days
        )
        audit.record(
            actor=actor,
            action="core.holiday.import",
            object_type=HolidayOverride._meta.label_lower,
            object_id=year,
            changes={
                "year": year,
                "replaced": replaced,
                "after": [
                    f"{d.day.isoformat()} {d.name}{' 上班' if d.is_working_day else ''}"
                    for d in days
                ],
            },
            detail=f"{len(days)} days",
        )
        _changed()
    return HolidayImport(year=year, created=len(days), replaced=replaced)


# --- reminders ------------------------------------------------------------------------------

REMINDER_SOURCE = "core.holidays"
REMINDER_FROM = (12, 1)  # the State Council announces next year's holidays in November or December


def _reminder_subject(year: int) -> str:
    return _("Enter the %(year)s holidays for the statutory clock") % {"year": year}


def _reminder_body(year: int) -> str:
    return _(
        "chinese_calendar has no statutory holidays or make-up working days for %(year)s and "
        "no administrator has entered them: until they are, statutory limits count Monday to "
        "Friday only, and deadlines that reach into %(year)s may be wrong. Enter them from the "
        "State Council's notice of the year's holidays."
    ) % {"year": year}


def _legacy_subject(year: int) -> str:
    """The subject reminders had when they were written in both languages at once."""
    return f"请录入{year}年节假日安排 / Enter the {year} holidays for the statutory clock"


def holiday_reminders(*, today: dt.date | None = None) -> list[int]:
    """Tell every system administrator, once per year, about a year the clock has no data for:
    the current year at any time, next year from 1 December. Returns the years reminded of."""
    from yaojian.accounts.choices import UserKind
    from yaojian.accounts.models import User
    from yaojian.workbench.models import Message
    from yaojian.workbench.services import each_language, in_default_language, notify

    today = today or timezone.localdate()
    years = [today.year] if not clock.is_known(today.year) else []
    if (today.month, today.day) >= REMINDER_FROM and not clock.is_known(today.year + 1):
        years.append(today.year + 1)
    admins = list(
        User.objects.filter(
            kind=UserKind.REGULATOR, is_active=True, role_assignments__role=Role.SYSTEM_ADMIN
        ).distinct()
    )
    reminded = []
    for year in years:
        # in every language, each administrator reading their own
        subject = each_language(partial(_reminder_subject, year))
        body = each_language(partial(_reminder_body, year))
        subjects = [in_default_language(subject), _legacy_subject(year)]
        try:
            link = f"{reverse('core:holidays')}?year={year}"
        except NoReverseMatch:
            link = ""
        sent = False
        for admin in admins:
            if Message.objects.filter(
                recipient=admin, source=REMINDER_SOURCE, subject__in=subjects
            ).exists():
                continue
            with transaction.atomic():
                notify(admin, source=REMINDER_SOURCE, subject=subject, body=body, link=link)
            sent = True
        if sent:
            reminded.append(year)
    return reminded
