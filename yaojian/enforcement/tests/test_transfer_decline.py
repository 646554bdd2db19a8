"""The receiving bureau declines a transferred case (移送退回): the case goes back to the sending
bureau in the state it was sent from, with the reason on its history and a to-do for the
sending bureau; nobody else may decline, and a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.core.errors import (
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from yaojian.enforcement import actions, selectors, services, workflows
from yaojian.enforcement.choices import Status
from yaojian.enforcement.models import Case, CaseEvent
from yaojian.testing import factories
from yaojian.workbench.models import Todo, TodoStatus

from . import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1/enforcement"
REASON = "涉案企业位于东湖区，货值金额不大，应由东湖区局管辖"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def transferred(case: Case, sender, to: str = "360100") -> Case:
    return services.case_transfer_out(
        actor=sender, case_id=case.pk, bureau_code=to, reason="属上级局管辖"
    )


def city_case(officers, approver, donghu) -> tuple[Case, list]:
    """A county's case taken over by the city (filed there): the city hands it down."""
    case = transferred(f.filed(officers, approver, donghu), officers[0])
    city = [f.officer("360100"), f.officer("360100")]
    services.case_accept_transfer(actor=city[0], case_id=case.pk, officer_ids=[u.pk for u in city])
    case = services.case_approve_filing(actor=f.head("360100"), case_id=case.pk)
    return case, city


def snapshot(case: Case) -> tuple:
    """What a refusal must leave alone: the case's fields, its history, the open to-dos."""
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.bureau_id,
        case.region_code,
        case.transfer_to_id,
        case.transfer_region_code,
        case.transfer_reason,
        case.deadline,
        case.due_on,
        CaseEvent.objects.filter(case=case).count(),
        sorted(
            Todo.objects.filter(status=TodoStatus.OPEN, object_id=str(case.pk)).values_list(
                "kind", flat=True
            )
        ),
    )


def open_todo(kind: str, case: Case) -> Todo | None:
    return Todo.objects.filter(kind=kind, object_id=str(case.pk), status=TodoStatus.OPEN).first()


@pytest.mark.parametrize("filed", [False, True], ids=["proposed", "investigating"])
def test_declined_by_the_receiving_bureau_the_case_returns_as_it_left(
    filed, officers, approver, donghu, province
):
    case = f.filed(officers, approver, donghu) if filed else f.proposed(officers, donghu)
    left = Case.objects.get(pk=case.pk)
    transferred(case, officers[0])
    receiving = f.officer("360100")
    assert open_todo("case_transfer", case).bureau.region_code == "360100"

    case = services.case_decline_transfer(actor=receiving, case_id=case.pk, reason=REASON)

    case = Case.objects.get(pk=case.pk)
    assert case.status == (Status.INVESTIGATING if filed else Status.PROPOSED)
    # the sending bureau keeps the case, its number and its clock
    assert (case.bureau_id, case.region_code, case.number) == (
        left.bureau_id,
        left.region_code,
        left.number,
    )
    assert (case.deadline, case.due_on) == (left.deadline, left.due_on)
    assert case.transfer_to is None and case.transfer_region_code == "" == case.transfer_reason
    # the history says who declined, why, and from which state to which
    event = case.events.order_by("pk").last()
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "decline_transfer",
        Status.TRANSFERRING,
        case.status,
        REASON,
    )
    assert event.actor == receiving and event.data["by"] == "360100"
    entry = AuditEntry.objects.get(action="enforcement.case.decline_transfer")
    assert entry.outcome == "success" and entry.actor_id == receiving.pk
    assert entry.object_id == str(case.pk)
    assert entry.changes["before"] == {"status": Status.TRANSFERRING}
    assert entry.changes["after"] == {"status": case.status}
    # the receiving bureau's to-do is done; the sending bureau's officers get one with the reason
    assert open_todo("case_transfer", case) is None
    todo = open_todo("case_transfer_declined", case)
    assert todo.bureau_id == left.bureau_id and todo.role == "case_officer"
    assert todo.body == REASON and todo.link == case.get_absolute_url()
    # the city still oversees the county's case, but has nothing more to accept or decline
    assert not {"accept_transfer", "decline_transfer"} & set(actions.available(receiving, case))
    # the sender may transfer it again, which settles its to-do
    transferred(case, officers[0], to="360000")
    assert open_todo("case_transfer_declined", case) is None
    assert Case.objects.get(pk=case.pk).status == Status.TRANSFERRING


def test_declined_by_a_receiving_bureau_that_no_longer_sees_the_case(
    officers, approver, donghu, province
):
    case, city = city_case(officers, approver, donghu)
    transferred(case, city[0], to="360102")
    county = officers[0]
    assert selectors.case_get(county, case.pk).pk == case.pk  # incoming
    services.case_decline_transfer(actor=county, case_id=case.pk, reason=REASON)
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.INVESTIGATING and case.bureau.region_code == "360100"
    with pytest.raises(NotFound):
        selectors.case_get(county, case.pk)
    assert open_todo("case_transfer_declined", case).bureau.region_code == "360100"
    assert selectors.case_get(city[0], case.pk).events.last().note == REASON


def test_only_the_receiving_bureau_may_decline(officers, approver, donghu, province):
    case = transferred(f.filed(officers, approver, donghu), officers[0], to="360000")
    before = snapshot(case)
    sender = officers[1]
    third = f.officer("360100")  # the city: it sees the county's case but does not receive it
    inspector = factories.regulator("360000", roles=[Role.INSPECTOR])  # no case role
    for actor in (sender, third, inspector):
        with pytest.raises(PermissionDenied):
            services.case_decline_transfer(actor=actor, case_id=case.pk, reason=REASON)
        assert snapshot(case) == before
        assert AuditEntry.objects.filter(
            action="enforcement.case.decline_transfer", outcome="denied", actor_id=actor.pk
        ).exists()
    neighbour = f.officer("360103")  # another county does not even see the case
    with pytest.raises(NotFound):
        services.case_decline_transfer(actor=neighbour, case_id=case.pk, reason=REASON)
    assert snapshot(case) == before
    assert not AuditEntry.objects.filter(
        action="enforcement.case.decline_transfer", outcome="success"
    ).exists()
    # the receiving bureau may
    services.case_decline_transfer(actor=f.officer("360000"), case_id=case.pk, reason=REASON)
    assert Case.objects.get(pk=case.pk).status == Status.INVESTIGATING


def test_neither_a_sender_above_the_receiver_nor_a_superior_may_decline(
    officers, approver, donghu, province
):
    case, city = city_case(officers, approver, donghu)
    transferred(case, city[0], to="360102")  # the city hands its case down to the county
    before = snapshot(case)
    # the city covers the county's division, but it sent the case; the province oversees
    # both, but the case was not sent to it
    for actor in (city[1], f.officer("360000")):
        with pytest.raises(PermissionDenied):
            services.case_decline_transfer(actor=actor, case_id=case.pk, reason=REASON)
        with pytest.raises(PermissionDenied):
            services.case_accept_transfer(
                actor=actor, case_id=case.pk, officer_ids=[o.pk for o in officers]
            )
        assert snapshot(case) == before


def test_a_reason_is_required_and_only_a_transfer_can_be_declined(
    officers, approver, donghu, province
):
    case = f.filed(officers, approver, donghu)
    receiving = f.officer("360100")
    with pytest.raises(TransitionNotAllowed):  # not being transferred
        services.case_decline_transfer(actor=receiving, case_id=case.pk, reason=REASON)
    transferred(case, officers[0])
    before = snapshot(case)
    for empty in ("", "   \n"):
        with pytest.raises(ValidationFailed) as caught:
            services.case_decline_transfer(actor=receiving, case_id=case.pk, reason=empty)
        assert list(caught.value.errors) == ["reason"]
        assert snapshot(case) == before


def test_the_case_page_offers_the_decline_to_the_receiving_bureau_only(
    officers, approver, donghu, province
):
    case, city = city_case(officers, approver, donghu)
    transferred(case, city[0], to="360102")
    url = f"/workbench/enforcement/cases/{case.pk}/"
    receiving, sender = client_for(officers[0]), client_for(city[0])
    page = receiving.get(url).content.decode()
    assert "do-decline_transfer" in page and "do-accept_transfer" in page
    page = sender.get(url).content.decode()
    assert "do-decline_transfer" not in page and 'data-testid="transfer"' in page
    # the sender posting anyway is refused
    refused = sender.post(f"{url}act/decline_transfer/", {"decline_transfer-reason": REASON})
    assert refused.status_code == 403
    before = snapshot(case)
    # an empty reason: the form says so, nothing changes
    response = receiving.post(f"{url}act/decline_transfer/", {"decline_transfer-reason": ""})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-action="decline_transfer"' in body
    assert "invalid-feedback" in body
    assert snapshot(case) == before
    response = receiving.post(f"{url}act/decline_transfer/", {"decline_transfer-reason": REASON})
    # back with the city: the county is sent to its list
    assert response.status_code == 302 and response["Location"] == "/workbench/enforcement/"
    assert receiving.get(url).status_code == 404
    # the sending bureau reads the reason in the case's steps; the transfer banner is gone
    page = sender.get(url).content.decode()
    assert 'data-action="decline_transfer"' in page and REASON in page
    assert 'data-testid="transfer"' not in page
    assert Case.objects.get(pk=case.pk).status == Status.INVESTIGATING


def test_the_api_offers_and_takes_the_decline(officers, approver, donghu, province):
    case, city = city_case(officers, approver, donghu)
    transferred(case, city[0], to="360102")
    receiving, sender = client_for(officers[0]), client_for(city[0])
    assert "decline_transfer" in receiving.get(f"{API}/cases/{case.pk}").json()["actions"]
    assert "decline_transfer" not in sender.get(f"{API}/cases/{case.pk}").json()["actions"]
    act = f"{API}/cases/{case.pk}/actions/decline_transfer"
    refused = sender.post(act, {"data": {"reason": REASON}}, content_type="application/json")
    assert refused.status_code == 403
    empty = receiving.post(act, {"data": {"reason": ""}}, content_type="application/json")
    assert empty.status_code == 422
    assert [e["field"] for e in empty.json()["errors"]] == ["reason"]
    assert Case.objects.get(pk=case.pk).status == Status.TRANSFERRING
    done = receiving.post(act, {"data": {"reason": REASON}}, content_type="application/json")
    # done, and no longer the county's to read
    assert done.status_code == 204 and done.content == b""
    body = sender.get(f"{API}/cases/{case.pk}").json()
    assert body["status"] == Status.INVESTIGATING
    assert body["steps"][-1]["action"] == "decline_transfer"
    assert body["steps"][-1]["note"] == REASON


def test_the_api_answers_with_the_case_when_the_receiver_still_sees_it(
    officers, approver, donghu, province
):
    case = transferred(f.filed(officers, approver, donghu), officers[0])
    done = client_for(f.officer("360100")).post(
        f"{API}/cases/{case.pk}/actions/decline_transfer",
        {"data": {"reason": REASON}},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == Status.INVESTIGATING


def test_the_table_returns_only_to_a_state_the_undone_step_leaves():
    decline = workflows.TRANSITIONS["decline_transfer"]
    assert decline.target == workflows.PREVIOUS and decline.bureau == workflows.RECEIVING
    for state in (Status.PROPOSED, Status.INVESTIGATING):
        assert workflows.target(decline, state) == state
    for state in ("", Status.NOTIFIED, Status.TRANSFERRING, Status.CLOSED):
        with pytest.raises(TransitionNotAllowed):
            workflows.target(decline, state)
    # every step back undoes a step that leads to where it starts from
    for transition in workflows.TRANSITIONS.values():
        if transition.target == workflows.PREVIOUS:
            undone = workflows.TRANSITIONS[transition.undoes]
            assert undone.target in transition.sources
        else:
            assert transition.target in Status.values and not transition.undoes
