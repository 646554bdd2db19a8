"""The unified to-do inbox and the message inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from yaojian.accounts.choices import Role
from yaojian.core.errors import NotFound
from yaojian.testing import factories
from yaojian.workbench import selectors, services
from yaojian.workbench.models import Message, Todo


@pytest.fixture
def donghu(province):
    return factories.bureau("360102")


def test_bureau_todo_reaches_its_staff_with_the_role_only(donghu):
    inspector = factories.regulator("360102", roles=[Role.INSPECTOR])
    reviewer = factories.regulator("360102", roles=[Role.REVIEWER])
    city = factories.regulator("360100", roles=[Role.INSPECTOR])
    todo = services.todo_post(
        source="test", kind="check", title="复核", bureau=donghu, role=Role.INSPECTOR
    )
    assert list(selectors.todo_list(inspector)) == [todo]
    assert not selectors.todo_list(reviewer).exists()
    assert not selectors.todo_list(city).exists()  # a bureau's inbox is its own, not its parent's


def test_personal_todo_reaches_only_its_assignee(province):
    one, two = factories.regulator("360102"), factories.regulator("360102")
    todo = services.todo_post(source="test", kind="check", title="x", assignee=one)
    assert list(selectors.todo_list(one)) == [todo]
    assert not selectors.todo_list(two).exists()
    with pytest.raises(NotFound):
        services.todo_close(actor=two, todo_id=todo.pk)
    todo.refresh_from_db()
    assert todo.status == "open"


def test_posting_the_same_work_twice_keeps_one_todo(donghu, enterprises):
    first = services.todo_post(
        source="t", kind="verify", title="a", bureau=donghu, obj=enterprises["donghu"]
    )
    second = services.todo_post(
        source="t", kind="verify", title="a", bureau=donghu, obj=enterprises["donghu"]
    )
    assert first.pk == second.pk and Todo.objects.count() == 1


def test_a_todo_needs_an_addressee(province):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.todo_post(source="t", kind="k", title="nobody")


def test_overdue_todos_are_counted_and_flagged(client, donghu, county_regulator):
    services.todo_post(
        source="t",
        kind="k",
        title="late",
        bureau=donghu,
        due_at=timezone.now() - dt.timedelta(days=1),
    )
    services.todo_post(
        source="t",
        kind="k",
        title="fine",
        bureau=donghu,
        due_at=timezone.now() + dt.timedelta(days=3),
    )
    client.force_login(county_regulator)
    response = client.get(reverse("workbench:home"))
    assert response.context["counts"]["todos"] == 2
    assert response.context["counts"]["overdue"] == 1


def test_closing_from_the_page_records_who_and_audits(client, donghu, county_regulator):
    from yaojian.audit.models import AuditEntry

    todo = services.todo_post(source="t", kind="k", title="done soon", bureau=donghu)
    client.force_login(county_regulator)
    response = client.post(reverse("workbench:todo_close", args=[todo.pk]))
    assert response.status_code == 302
    todo.refresh_from_db()
    assert todo.status == "done" and todo.closed_by == county_regulator
    assert AuditEntry.objects.filter(action="workbench.todo.close", object_id=str(todo.pk)).exists()


def test_todo_api_lists_and_closes(client, donghu, county_regulator):
    todo = services.todo_post(source="t", kind="k", title="via api", bureau=donghu)
    client.force_login(county_regulator)
    assert [t["id"] for t in client.get("/api/v1/todos").json()] == [todo.pk]
    closed = client.post(f"/api/v1/todos/{todo.pk}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    assert client.get("/api/v1/todos").json() == []


def test_notify_fills_the_inbox_and_emails_after_commit(
    django_capture_on_commit_callbacks, province
):
    user = factories.regulator("360102", email="wang@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.notify(user, source="test", subject="抽检结果", body="不合格")
    assert selectors.unread_count(user) == 1
    assert len(mail.outbox) == 1 and "抽检结果" in mail.outbox[0].subject
    message.refresh_from_db()
    assert message.emailed_at is not None


def test_messages_are_private_to_their_recipient(client, province):
    one, two = factories.regulator("360102"), factories.regulator("360102")
    message = services.notify(one, source="t", subject="only for one", email=False)
    client.force_login(two)
    assert client.post(reverse("workbench:message_read", args=[message.pk])).status_code == 404
    assert "only for one" not in client.get(reverse("workbench:messages")).content.decode()
    assert Message.objects.get(pk=message.pk).read_at is None
    client.force_login(one)
    client.post(reverse("workbench:messages_read_all"))
    assert Message.objects.get(pk=message.pk).read_at is not None


def test_work_portal_is_for_regulators_only(client, enterprise_master):
    client.force_login(enterprise_master)
    for name in ("workbench:home", "workbench:todos", "workbench:messages"):
        assert client.get(reverse(name)).status_code == 404


def test_sidebar_shows_admin_sections_by_role(client, sysadmin, auditor, county_regulator):
    client.force_login(county_regulator)
    page = client.get(reverse("workbench:home")).content.decode()
    assert reverse("accounts:users") not in page and reverse("audit:log") not in page
    client.force_login(sysadmin)
    assert reverse("accounts:users") in client.get(reverse("workbench:home")).content.decode()
    client.force_login(auditor)
    assert reverse("audit:log") in client.get(reverse("workbench:home")).content.decode()


def test_dashboard_counts_enterprises_by_division(client, enterprises, city_regulator):
    client.force_login(city_regulator)
    divisions = {
        d["code"]: d["count"] for d in client.get(reverse("workbench:home")).context["by_division"]
    }
    assert divisions["360102"] == 1 and divisions["360103"] == 1
    assert "360402" not in divisions


def test_home_counts_licences_expiring_in_the_jurisdiction(client, county_regulator, enterprises):
    import datetime as dt

    from yaojian.testing import factories as f

    soon = timezone.localdate() + dt.timedelta(days=30)
    f.LicenceFactory(holder=enterprises["donghu"], valid_until=soon)
    f.LicenceFactory(holder=enterprises["lianxi"], valid_until=soon)
    client.force_login(county_regulator)
    assert client.get(reverse("workbench:home")).context["counts"]["expiring"] == 1
