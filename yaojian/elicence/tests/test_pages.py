"""Pages and API: the public verification, the portal's verify box, the holder's list, keys."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from yaojian.elicence import paper, services
from yaojian.registry import services as registry
from yaojian.testing import factories


@pytest.fixture
def issued(approver, licence):
    return services.issue(actor=approver, licence=licence, reason="新办")


def _secret_data(licence) -> list[str]:
    """What must never reach the public: the ID number, the phone."""
    holder = licence.holder
    return [holder.legal_representative_id_number(), holder.phone]


def test_the_qr_link_opens_a_public_page_with_the_verdict(client, issued, licence):
    response = client.get(reverse("elicence:payload", args=[issued.payload]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verdict="valid"' in html
    assert licence.number in html and licence.holder.name in html
    assert licence.scope in html and "南昌市市场监督管理局" in html
    assert response.context["result"].verdict == "valid"
    for secret in _secret_data(licence):
        assert secret not in html
    assert 'name="viewport"' in html  # a phone camera opens it
    assert (
        "/elicence/v/" + issued.payload
        == services.verify_url(issued).split("yaojian.example.gov.cn")[1]
    )


def test_the_public_page_answers_tampering_and_supersession(client, approver, licence, issued):
    head, body, signature = issued.payload.split(".")
    tampered = f"{head}.{body}.{signature[::-1]}"
    html = client.get(reverse("elicence:payload", args=[tampered])).content.decode()
    assert 'data-verdict="altered"' in html and licence.holder.name not in html

    second = services.issue(actor=approver, licence=licence, reason="变更")
    html = client.get(reverse("elicence:payload", args=[issued.payload])).content.decode()
    assert 'data-verdict="superseded"' in html
    assert reverse("elicence:payload", args=[second.payload]) in html


def test_the_portal_verify_page_takes_a_number_a_payload_or_a_link(client, issued, licence):
    url = reverse("portal:verify")
    for code, kind in [
        (licence.number, "number"),
        (issued.payload, "payload"),
        (services.verify_url(issued), "url"),
    ]:
        response = client.get(url, {"code": code})
        check = response.context["check"]
        assert (check.kind, check.result.verdict) == (kind, "valid"), code
        html = response.content.decode()
        assert 'data-verdict="valid"' in html and licence.holder.name in html
        assert 'data-testid="input-kind"' in html
        for secret in _secret_data(licence):
            assert secret not in html


def test_the_portal_verify_page_tells_packs_from_licences(client, db):
    url = reverse("portal:verify")
    empty = client.get(url)
    assert empty.context["check"].kind == "empty" and "data-verdict" not in empty.content.decode()
    trace = client.get(url, {"code": "81234567890123456789"})
    assert "check" not in trace.context
    assert trace.context["trace"]["result"] == "unknown_code"
    assert 'data-trace-result="unknown_code"' in trace.content.decode()
    unknown = client.get(url, {"code": "赣DA3601999999"})
    assert unknown.context["check"].result.verdict == "unknown"


def test_the_portal_shows_live_status_changes(client, approver, licence, issued):
    registry.licence_set_status(
        actor=approver, licence_id=licence.pk, status="suspended", reason="赣药监罚〔2026〕3号"
    )
    response = client.get(reverse("portal:verify"), {"code": licence.number})
    assert 'data-verdict="suspended"' in response.content.decode()


def test_the_page_speaks_english_too(client, issued):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("elicence:payload", args=[issued.payload])).content.decode()
    assert "Unified social credit code" in html and "Electronic licence verification" in html


# --- API -------------------------------------------------------------------------------------


def test_api_verify_by_number_and_by_payload(client, issued, licence):
    for params in ({"number": licence.number}, {"payload": issued.payload}):
        response = client.get("/api/v1/elicence/verify", params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["verdict"] == "valid" and body["signature_verified"] is True
        assert body["licence"]["number"] == licence.number
        assert set(body["licence"]) <= paper.FIELD_KEYS
        for secret in _secret_data(licence):
            assert secret not in response.content.decode()
    link = client.get("/api/v1/elicence/verify", {"payload": services.verify_url(issued)}).json()
    assert (link["verdict"], link["input_kind"]) == ("valid", "url")


def test_api_verify_reports_altered_and_unknown_without_fields(client, issued):
    altered = client.get("/api/v1/elicence/verify", {"payload": issued.payload[:-2] + "AA"}).json()
    assert altered["verdict"] == "altered" and altered["licence"] is None
    unknown = client.get("/api/v1/elicence/verify", {"number": "赣DA3601999999"}).json()
    assert unknown["verdict"] == "unknown" and unknown["licence"] is None


def test_api_verify_with_nothing_to_verify_answers_unknown(client, db):
    body = client.get("/api/v1/elicence/verify").json()
    assert body["verdict"] == "unknown" and body["licence"] is None


def test_api_verify_with_number_and_payload_checks_they_belong_together(
    client, approver, issued, licence, enterprises, province
):
    both = {"number": licence.number, "payload": issued.payload}
    assert client.get("/api/v1/elicence/verify", both).json()["verdict"] == "valid"
    other = factories.LicenceFactory(holder=enterprises["xihu"], issuing_bureau=province["360100"])
    body = client.get(
        "/api/v1/elicence/verify", {"number": other.number, "payload": issued.payload}
    ).json()
    assert body["verdict"] == "altered" and other.number in body["reason"]


@pytest.mark.parametrize(
    "params", [{"payload": "Y" * 3000}, {"number": ""}, {"number": "赣" * 101}]
)
def test_api_verify_refuses_malformed_input_as_a_problem(client, db, params):
    response = client.get("/api/v1/elicence/verify", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "validation_failed"


def test_api_publishes_the_keys_without_login(client, issued, province):
    services.key_rotate(actor=services.SYSTEM, bureau=province["360100"], reason="轮换")
    body = client.get("/api/v1/elicence/keys").json()
    assert body["format"] == "yaojian-elicence-keys/1"
    keys = {key["key_id"]: key for key in body["keys"]}
    assert keys["360100-01"]["status"] == "retired" and keys["360100-01"]["valid_until"]
    assert keys["360100-02"]["status"] == "active" and keys["360100-02"]["valid_until"] is None
    assert all(len(key["public_key"]) == 128 for key in keys.values())
    assert "private" not in json.dumps(body)


def test_the_key_file_downloads(client, issued):
    response = client.get(reverse("elicence:keys"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["keys"][0]["key_id"] == issued.key_id


def test_api_versions_of_a_licence_are_scoped(client, approver, licence, issued, enterprises):
    services.issue(actor=approver, licence=licence, reason="变更")
    client.force_login(approver)
    body = client.get(f"/api/v1/elicence/licences/{licence.pk}/versions").json()
    assert [v["version"] for v in body] == [2, 1] and body[1]["superseded_at"]
    client.force_login(factories.enterprise_user(enterprises["xihu"]))
    assert client.get(f"/api/v1/elicence/licences/{licence.pk}/versions").status_code == 404


def test_the_api_documents_its_answers(client, db):
    schema = client.get("/api/openapi.json").json()
    verify = schema["paths"]["/api/v1/elicence/verify"]["get"]
    assert "200" in verify["responses"] and "422" in verify["responses"]
    assert "application/problem+json" in verify["responses"]["422"]["content"]
    assert "LicenceVerificationOut" in json.dumps(verify["responses"]["200"])
    # its own model, not another app's of the same name (the document keys models by name)
    answer = schema["components"]["schemas"]["LicenceVerificationOut"]
    assert {"verdict", "licence", "signature_verified"} <= set(answer["required"])
    number = next(p for p in verify["parameters"] if p["name"] == "number")
    assert number["schema"]["anyOf"][0]["pattern"] == r"[^\x00]"  # NULs are dropped
    assert client.get("/api/v1/elicence/verify?number=%00").status_code == 422
    assert client.get("/api/v1/elicence/verify?number=%00X").json()["verdict"] == "unknown"


# --- the holder's list and the regulators' include -------------------------------------------


def test_the_enterprise_sees_its_own_elicences(client, approver, licence, issued, enterprises):
    services.issue(actor=approver, licence=licence, reason="变更")
    other = factories.LicenceFactory(holder=enterprises["xihu"])
    services.issue(actor=approver, licence=other, reason="新办")
    client.force_login(factories.enterprise_user(enterprises["donghu"], master=False))
    response = client.get(reverse("elicence:mine"))
    assert response.status_code == 200
    html = response.content.decode()
    assert licence.number in html and other.number not in html
    assert html.count('href="/elicence/') >= 4  # verify and PDF links of both versions
    assert "<svg" in html  # the current version's QR code


def test_the_list_is_for_enterprise_accounts_only(client, county_regulator, db):
    client.force_login(county_regulator)
    assert client.get(reverse("elicence:mine")).status_code == 404
    client.logout()
    assert client.get(reverse("elicence:mine")).status_code == 302


def test_the_versions_include_for_the_licence_page(
    approver, licence, issued, other_county_regulator
):
    services.issue(actor=approver, licence=licence, reason="变更")
    template = Template("{% load elicence %}{% elicence_versions licence %}")
    request = RequestFactory().get("/")
    request.user = approver
    html = template.render(Context({"request": request, "licence": licence}))
    assert (
        html.count("<tr>") == 3
        and "变更" in html
        and reverse("elicence:pdf", args=[issued.pk]) in html
    )
    request.user = other_county_regulator
    html = template.render(Context({"request": request, "licence": licence}))
    assert 'data-testid="elicence-versions"' in html and "<tbody>" not in html
