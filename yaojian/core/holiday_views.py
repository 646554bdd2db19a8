"""The system administrator's page for the statutory clock's holiday table (work portal)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.accounts.choices import Role
from yaojian.accounts.services import require_role
from yaojian.core import clock, selectors, services
from yaojian.core.errors import DomainError, NotFound, PermissionDenied
from yaojian.core.forms import HolidayForm, HolidayImportForm, apply_errors


def _today() -> dt.date:
    return timezone.localdate()


def _year_param(value: str | None, default: int) -> int:
    try:
        year = int(value or default)
    except ValueError:
        return default
    return year if services.FIRST_YEAR <= year <= services.LAST_YEAR else default


def _holidays_url(year: int) -> str:
    return f"{reverse('core:holidays')}?year={year}"


def _edit_initial(request, year: int) -> dict:
    """The form filled from the override named by ?edit=YYYY-MM-DD, if there is one."""
    try:
        day = dt.date.fromisoformat(request.GET.get("edit", ""))
    except ValueError:
        return {"kind": HolidayForm.DAY_OFF}
    row = selectors.holiday_overrides(request.user, day.year).filter(day=day).first()
    if row is None:
        return {"day": day, "kind": HolidayForm.DAY_OFF}
    return {
        "day": row.day,
        "kind": HolidayForm.WORKING_DAY if row.is_working_day else HolidayForm.DAY_OFF,
        "name": row.name,
    }


@login_required
def holidays(request):
    """What each year's holidays come from, the overrides of one year (add, change, delete)
    and that year as the clock counts it."""
    require_role(request.user, Role.SYSTEM_ADMIN, action="core.holidays.view")
    today = _today()
    year = _year_param(request.GET.get("year"), today.year)
    if request.method == "POST":
        form = HolidayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = services.holiday_set(
                    actor=request.user,
                    day=data["day"],
                    is_working_day=data["kind"] == HolidayForm.WORKING_DAY,
                    name=data["name"],
                )
            except PermissionDenied:
                raise
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Saved %(day)s: %(name)s.") % {"day": row.day.isoformat(), "name": row.name},
                )
                return redirect(_holidays_url(row.day.year))
    else:
        form = HolidayForm(initial=_edit_initial(request, year))
    missing = clock.years_needing_data(today)
    return render(
        request,
        "core/holidays.html",
        {
            "nav": "holidays",
            "year": year,
            "years": selectors.holiday_years(request.user, today=today, also=year),
            "status": clock.year_status(year),
            "overrides": selectors.holiday_overrides(request.user, year),
            "calendar": clock.year_calendar(year),
            "missing": missing,
            "used_unknown": [y for y in clock.unknown_years() if y not in missing],
            "library_years": (clock.CC_FIRST_YEAR, clock.CC_LAST_YEAR),
            "form": form,
        },
    )


@login_required
@require_POST
def holiday_delete(request, day: str):
    try:
        services.holiday_delete(actor=request.user, day=day)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("core:holidays")
    messages.success(request, _("Override of %(day)s deleted.") % {"day": day})
    return redirect(_holidays_url(_year_param(day[:4], _today().year)))


@login_required
def holiday_import(request):
    """A year's announcement at once: paste it, every line checked, all saved or nothing."""
    require_role(request.user, Role.SYSTEM_ADMIN, action="core.holidays.view")
    today = _today()
    if request.method == "POST":
        form = HolidayImportForm(request.POST)
        if form.is_valid():
            try:
                result = services.holiday_import(
                    actor=request.user,
                    year=form.cleaned_data["year"],
                    text=form.cleaned_data["text"],
                )
            except PermissionDenied:
                raise
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "%(count)s days of %(year)s saved; %(replaced)s earlier overrides of "
                        "the year replaced."
                    )
                    % {"count": result.created, "year": result.year, "replaced": result.replaced},
                )
                return redirect(_holidays_url(result.year))
    else:
        year = _year_param(request.GET.get("year"), today.year + 1)
        rows = selectors.holiday_overrides(request.user, year)
        text = "\n".join(
            f"{row.day.isoformat()} {row.name}"
            + (" 上班" if row.is_working_day and "上班" not in row.name else "")
            for row in rows
        )
        form = HolidayImportForm(initial={"year": year, "text": text})
    return render(
        request,
        "core/holiday_import.html",
        {
            "nav": "holidays",
            "form": form,
            "library_years": (clock.CC_FIRST_YEAR, clock.CC_LAST_YEAR),
        },
    )
