"""The sampling record PDF: its content (Chinese text read back from the PDF), the links to it
and its scope (like the task: samplers and their bureau, the laboratory, the enterprise sampled)."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from yaojian.sampling.tests import factories as sf
from yaojian.testing import factories
from yaojian.testing.pdf import pdf_text

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_record_pdf_holds_the_whole_record(task, samplers, analyst, product):
    product.approval_number = "国药准字H36020001"
    product.manufacturer_name = "江西康乐制药有限公司"
    product.save()
    task = sf.to_received(task, samplers[0], analyst)
    sample = task.sample
    response = login(samplers[0]).get(reverse("sampling:record_pdf", args=[task.pk]))
    text = pdf_text(response)
    assert sample.record_number in response["Content-Disposition"]
    for expected in [
        task.number,
        task.plan.number,
        task.enterprise.name,
        task.enterprise.uscc,
        re.sub(r"\s+", "", task.enterprise.address),
        "阿莫西林胶囊",
        "国药准字H36020001",
        task.batch_no,
        "江西康乐制药有限公司",
        sample.record_number,
        *sample.sealed_ids,
        "72.00",
        "ZF20260301001",  # the payment receipt
        "王丽",  # signed for the enterprise
        "Theenterprisesignedtherecord",
        "药房仓库",
        "省药检院样品室",  # the chain of custody: received by the laboratory
        "顺丰速运张强",
        "江西省药品检验检测研究院",
    ]:
        assert expected in text, expected
    for sampler in samplers:
        assert re.sub(r"\s+", "", sampler.full_name or sampler.username) in text
    assert "Theenterpriserefusedtosign" not in text
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in PdfReader(io.BytesIO(response.content)).pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert fonts, "a font is embedded"


def test_a_refusal_to_sign_is_on_the_record(task, samplers):
    sf.record(
        task,
        samplers[0],
        enterprise_acknowledged=False,
        enterprise_remarks="企业负责人拒绝签字，抽样人员现场注明",
    )
    text = pdf_text(login(samplers[1]).get(reverse("sampling:record_pdf", args=[task.pk])))
    assert "Theenterpriserefusedtosign" in text
    assert "企业负责人拒绝签字，抽样人员现场注明" in text
    assert "Theenterprisesignedtherecord" not in text


def test_the_pages_link_to_the_pdf(task, samplers, county_regulator, enterprise_master):
    detail = reverse("sampling:task_detail", args=[task.pk])
    assert 'data-testid="record-pdf"' not in login(county_regulator).get(detail).text
    sf.record(task, samplers[0])
    page = login(county_regulator).get(detail).text
    assert reverse("sampling:record_pdf", args=[task.pk]) in page
    mine = login(enterprise_master).get(reverse("sampling:my_detail", args=[task.pk])).text
    assert reverse("sampling:my_record_pdf", args=[task.pk]) in mine


def test_the_enterprise_gets_its_own_record(task, samplers, enterprise_master):
    url = reverse("sampling:my_record_pdf", args=[task.pk])
    # sampling is unannounced: before the samplers come, the task does not exist for it
    assert login(enterprise_master).get(url).status_code == 404
    sf.record(task, samplers[0])
    text = pdf_text(login(enterprise_master).get(url))
    assert task.enterprise.name in text and task.batch_no in text


def test_the_pdf_is_scoped_like_the_task(
    task, samplers, analyst, county_regulator, other_county_regulator, enterprises
):
    # no record yet: nothing to print, even for the samplers
    assert login(samplers[0]).get(reverse("sampling:record_pdf", args=[task.pk])).status_code == 404
    sf.record(task, samplers[0])
    other_enterprise = factories.enterprise_user(enterprises["xihu"], master=True)
    for name in ("sampling:record_pdf", "sampling:my_record_pdf"):
        url = reverse(name, args=[task.pk])
        assert login(county_regulator).get(url).status_code == 200
        assert login(analyst).get(url).status_code == 200  # the laboratory's bureau
        assert login(other_county_regulator).get(url).status_code in (403, 404)
        assert login(other_enterprise).get(url).status_code in (403, 404)
        assert Client().get(url).status_code == 302  # to the login page
