"""The administrators' holiday table: services, the work-portal page, the import, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.core import clock, holiday_views, scheduling, services
from yaojian.core.errors import NotFound, PermissionDenied, ValidationFailed
from yaojian.core.models import HolidayOverride
from yaojian.testing import factories

D = dt.date
pytestmark = pytest.mark.django_db
pages = pytest.mark.urls("yaojian.core.tests.clock_urls")

# a year chinese_calendar will not know for a long time, and the one after
FAR = 2030


# --- services ---------------------------------------------------------------------------------


def test_the_system_administrator_sets_changes_and_deletes_a_day(sysadmin):
    day = D(2027, 1, 1)
    assert clock.is_working_day(day)  # a Friday of a year without data
    row = services.holiday_set(actor=sysadmin, day=day, is_working_day=False, name=" 元旦 ")
    assert (row.name, row.is_working_day, row.created_by) == ("元旦", False, sysadmin)
    assert not clock.is_working_day(day)  # seen at once: the service drops the cached table
    entry = AuditEntry.objects.filter(action="core.holiday.set").latest("seq")
    assert entry.actor_username == sysadmin.username and entry.object_id == str(row.pk)
    assert entry.changes["after"] == {"day": "2027-01-01", "is_working_day": False, "name": "元旦"}

    services.holiday_set(actor=sysadmin, day="2027-01-01", is_working_day=True, name="")
    row.refresh_from_db()
    assert row.is_working_day and row.name == clock.MAKE_UP_DAY_NAME  # a make-up day's default
    assert clock.is_working_day(day)
    assert HolidayOverride.objects.count() == 1

    services.holiday_delete(actor=sysadmin, day=day)
    assert not HolidayOverride.objects.exists()
    assert AuditEntry.objects.filter(action="core.holiday.delete").exists()
    with pytest.raises(NotFound):
        services.holiday_delete(actor=sysadmin, day=day)


def test_a_day_off_needs_a_name_and_a_real_date(sysadmin):
    with pytest.raises(ValidationFailed) as error:
        services.holiday_set(actor=sysadmin, day=D(2027, 1, 1), is_working_day=False, name=" ")
    assert "name" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        services.holiday_set(actor=sysadmin, day="2027-02-30", is_working_day=False, name="x")
    assert "day" in error.value.errors
    with pytest.raises(ValidationFailed):
        services.holiday_set(actor=sysadmin, day=D(1900, 1, 1), is_working_day=False, name="x")
    assert not HolidayOverride.objects.exists()


@pytest.mark.parametrize("who", ["county_regulator", "secadmin", "enterprise_master"])
def test_only_the_system_administrator_writes_the_table(request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.holiday_set(actor=actor, day=D(2027, 1, 1), is_working_day=False, name="元旦")
    with pytest.raises(PermissionDenied):
        services.holiday_import(actor=actor, year=2027, text="2027-01-01 元旦")
    assert not HolidayOverride.objects.exists()
    denied = AuditEntry.objects.filter(outcome="denied", actor_username=actor.username)
    assert set(denied.values_list("action", flat=True)) == {
        "core.holiday.set",
        "core.holiday.import",
    }


def test_parse_a_pasted_year():
    text = """
    # 2027 (a test list, not the real announcement)
    2027-01-01 元旦
    2027-02-06~2027-02-08 春节
    2027-02-13 春节 上班
    2027/2/14\t调休上班
    2027-10-09 work
    2027年10月1日 国庆节
    """
    days, errors = services.parse_holiday_list(text, year=2027)
    assert errors == []
    got = [(d.day, d.is_working_day, d.name) for d in days]
    assert got == [
        (D(2027, 1, 1), False, "元旦"),
        (D(2027, 2, 6), False, "春节"),
        (D(2027, 2, 7), False, "春节"),
        (D(2027, 2, 8), False, "春节"),
        (D(2027, 2, 13), True, "春节"),
        (D(2027, 2, 14), True, "调休上班"),
        (D(2027, 10, 9), True, "调休上班"),
        (D(2027, 10, 1), False, "国庆节"),
    ]


def test_parse_reports_every_wrong_line_by_number():
    text = "\n".join(
        [
            "2027-01-01 元旦",  # 1 fine
            "元旦 2027-01-02",  # 2 no date first
            "2027-02-30 春节",  # 3 no such day
            "2028-01-01 元旦",  # 4 another year
            "2027-01-01 元旦",  # 5 twice
            "2027-05-01",  # 6 a day off without a name
            "2027-05-05~2027-05-03 劳动节",  # 7 backwards
            "2027-06-01 " + "长" * 60,  # 8 too long
        ]
    )
    with translation.override("en"):
        days, errors = services.parse_holiday_list(text, year=2027)
    assert [d.day for d in days] == [D(2027, 1, 1)]
    assert [e.split(":")[0] for e in errors] == [f"Line {n}" for n in (2, 3, 4, 5, 6, 7, 8)]
    assert "2028-01-01" in errors[2] and "line 1" in errors[3]
    assert services.parse_holiday_list("  \n# only a comment", year=2027)[1]


def test_an_import_replaces_the_year_all_or_nothing(sysadmin):
    services.holiday_set(actor=sysadmin, day=D(2027, 3, 1), is_working_day=False, name="旧")
    services.holiday_set(actor=sysadmin, day=D(2028, 1, 3), is_working_day=False, name="另一年")
    with pytest.raises(ValidationFailed) as error:
        services.holiday_import(
            actor=sysadmin, year=2027, text="2027-01-01 元旦\n2027-13-01 x\n2026-10-01 国庆节"
        )
    assert len(error.value.errors["text"]) == 2
    assert set(HolidayOverride.objects.values_list("name", flat=True)) == {"旧", "另一年"}

    result = services.holiday_import(
        actor=sysadmin, year=2027, text="2027-01-01~2027-01-03 元旦\n2027-02-20 上班"
    )
    assert (result.year, result.created, result.replaced) == (2027, 4, 1)
    assert list(
        HolidayOverride.objects.filter(day__year=2027).values_list("day", "is_working_day")
    ) == [
        (D(2027, 1, 1), False),
        (D(2027, 1, 2), False),
        (D(2027, 1, 3), False),
        (D(2027, 2, 20), True),
    ]
    assert HolidayOverride.objects.filter(day=D(2028, 1, 3)).exists()  # other years untouched
    assert clock.year_status(2027) == clock.FROM_OVERRIDES
    assert not clock.is_working_day(D(2027, 1, 1)) and clock.is_working_day(D(2027, 2, 20))
    entry = AuditEntry.objects.filter(action="core.holiday.import").latest("seq")
    assert entry.object_id == "2027" and entry.changes["replaced"] == 1
    assert entry.changes["after"][-1] == "2027-02-20 调休上班 上班"


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def far_today(monkeypatch):
    monkeypatch.setattr(holiday_views, "_today", lambda: D(FAR, 6, 1))


@pages
def test_the_page_shows_the_years_and_warns_about_unknown_ones(client, sysadmin, far_today):
    client.force_login(sysadmin)
    response = client.get(reverse("core:holidays"))
    assert response.status_code == 200
    assert response.context["nav"] == "holidays"
    assert response.context["missing"] == [FAR, FAR + 1]
    body = response.content.decode()
    assert body.count('data-testid="missing-year"') == 2
    years = {y.year: y for y in response.context["years"]}
    assert set(years) >= {FAR - 1, FAR, FAR + 1}
    assert years[FAR].status == clock.UNKNOWN

    services.holiday_set(actor=sysadmin, day=D(FAR, 1, 1), is_working_day=False, name="元旦")
    response = client.get(reverse("core:holidays"), {"year": FAR})
    assert response.context["missing"] == [FAR + 1]
    assert "元旦" in response.content.decode()
    assert {y.year: y for y in response.context["years"]}[FAR].status == clock.FROM_OVERRIDES


@pages
def test_a_known_year_shows_the_library_days(client, sysadmin):
    client.force_login(sysadmin)
    response = client.get(reverse("core:holidays"), {"year": 2026})
    assert response.context["status"] == clock.FROM_LIBRARY
    body = response.content.decode()
    assert "2026-10-10" in body and "国庆节" in body


@pages
def test_add_change_and_delete_through_the_page(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("core:holidays")
    response = client.post(url, {"day": "2027-10-01", "kind": "off", "name": "国庆节"})
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    assert HolidayOverride.objects.get(day=D(2027, 10, 1)).name == "国庆节"

    edit = client.get(url, {"year": 2027, "edit": "2027-10-01"})
    assert edit.context["form"].initial["name"] == "国庆节"
    client.post(url, {"day": "2027-10-01", "kind": "work", "name": ""})
    assert HolidayOverride.objects.get(day=D(2027, 10, 1)).is_working_day

    wrong = client.post(url, {"day": "2027-10-02", "kind": "off", "name": ""})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["name"]
    assert not HolidayOverride.objects.filter(day=D(2027, 10, 2)).exists()

    response = client.post(reverse("core:holiday_delete", args=["2027-10-01"]))
    assert response.status_code == 302
    assert not HolidayOverride.objects.exists()
    assert client.post(reverse("core:holiday_delete", args=["2027-10-01"])).status_code == 404


@pages
def test_import_through_the_page_with_per_line_errors(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("core:holiday_import")
    form = client.get(url, {"year": 2027})
    assert form.status_code == 200 and form.context["form"].initial["year"] == 2027

    bad = client.post(url, {"year": 2027, "text": "2027-01-01 元旦\n2027-01-32 x\nfoo"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "第2行" in body and "第3行" in body  # the page speaks Chinese by default
    assert not HolidayOverride.objects.exists()

    good = client.post(url, {"year": 2027, "text": "2027-01-01 元旦\n2027-02-20 上班"})
    assert good.status_code == 302 and good["Location"].endswith("?year=2027")
    assert HolidayOverride.objects.count() == 2
    # the form shows the year's table again, ready to be corrected and imported again
    again = client.get(url, {"year": 2027})
    assert again.context["form"].initial["text"] == "2027-01-01 元旦\n2027-02-20 调休上班"


@pages
def test_other_users_get_403_and_the_refusal_is_audited(client, county_regulator, secadmin):
    for user in (county_regulator, secadmin):
        client.force_login(user)
        assert client.get(reverse("core:holidays")).status_code == 403
        assert client.get(reverse("core:holiday_import")).status_code == 403
        response = client.post(
            reverse("core:holidays"), {"day": "2027-01-01", "kind": "off", "name": "元旦"}
        )
        assert response.status_code == 403
        assert client.post(reverse("core:holiday_delete", args=["2027-01-01"])).status_code == 403
        assert AuditEntry.objects.filter(
            actor_username=user.username, action="core.holidays.view", outcome="denied"
        ).exists()
    assert not HolidayOverride.objects.exists()


@pages
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("core:holidays"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- the yearly reminder ----------------------------------------------------------------------


def _reminders():
    from yaojian.workbench.models import Message

    return Message.objects.filter(source=services.REMINDER_SOURCE)


def test_administrators_are_reminded_once_from_1_december(sysadmin, county_regulator):
    last = clock.CC_LAST_YEAR  # chinese_calendar knows it; it does not know the next
    other_admin = factories.regulator("360100", roles=[Role.SYSTEM_ADMIN])
    assert services.holiday_reminders(today=D(last, 11, 30)) == []
    assert not _reminders().exists()

    assert services.holiday_reminders(today=D(last, 12, 1)) == [last + 1]
    assert set(_reminders().values_list("recipient", flat=True)) == {sysadmin.pk, other_admin.pk}
    assert str(last + 1) in _reminders().first().subject

    assert services.holiday_reminders(today=D(last, 12, 2)) == []  # one message per year
    assert _reminders().count() == 2


def test_the_reminder_reads_in_each_administrators_language(sysadmin):
    from django.utils import translation

    last = clock.CC_LAST_YEAR
    with translation.override("en"):  # the nightly job may run in any language
        services.holiday_reminders(today=D(last, 12, 1))
    reminder = _reminders().get()
    with translation.override("en"):
        assert reminder.subject_text == f"Enter the {last + 1} holidays for the statutory clock"
        assert f"for {last + 1} and no administrator" in reminder.body_text
    with translation.override("zh-hans"):  # as the catalogue translates it
        assert reminder.subject_text == services._reminder_subject(last + 1)
        assert reminder.subject == reminder.subject_text  # the default language's column


def test_a_reminder_sent_in_both_languages_at_once_is_not_sent_again(sysadmin):
    from yaojian.workbench.services import notify

    last = clock.CC_LAST_YEAR
    notify(
        sysadmin,
        source=services.REMINDER_SOURCE,
        subject=f"请录入{last + 1}年节假日安排 / Enter the {last + 1} holidays for the statutory clock",
        email=False,
    )
    assert services.holiday_reminders(today=D(last, 12, 1)) == []
    assert _reminders().count() == 1


def test_no_reminder_once_the_year_is_entered(sysadmin):
    last = clock.CC_LAST_YEAR
    services.holiday_set(actor=sysadmin, day=D(last + 1, 1, 1), is_working_day=False, name="元旦")
    assert services.holiday_reminders(today=D(last, 12, 1)) == []
    assert not _reminders().exists()


def test_a_current_year_without_data_is_reminded_of_at_any_time(sysadmin):
    assert services.holiday_reminders(today=D(FAR, 3, 1)) == [FAR]
    assert _reminders().count() == 1


def test_the_reminder_is_a_daily_periodic_job(sysadmin):
    jobs = scheduling.discover()
    job = jobs["core.holiday_reminders"]
    assert job.every == dt.timedelta(days=1)
    job.task.enqueue()  # the immediate backend of the tests runs it (today's date)
