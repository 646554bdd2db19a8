"""The bulk import end to end through its services, on the real database: check, preview,
commit, history, audit, timeline, scope, refusals and idempotent re-imports."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from stdnum.cn import ric

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from yaojian.core.validators import uscc_with_check_character
from yaojian.datacenter.imports import samples, selectors, services
from yaojian.datacenter.models import ImportJob, ImportRow
from yaojian.registry.models import (
    ChangeRecord,
    Enterprise,
    Licence,
    Person,
    Product,
    TimelineEvent,
)
from yaojian.registry.services import bulk
from yaojian.testing import factories

NANCHANG = ["360102", "360103", "360111"]


@pytest.fixture(autouse=True)
def _english():
    """These tests read messages in English (the Chinese catalogue is tested elsewhere)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def approver(province):
    """An approver of Nanchang's city bureau: may write the registers inside Nanchang."""
    return factories.regulator("360100", roles=[Role.APPROVER], full_name="章审批")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Upload and commit as the pages do, running the background tasks at commit."""

    def upload(actor, register, data, name="import.xlsx", language="en"):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.import_upload(
                actor=actor,
                register=register,
                file=SimpleUploadedFile(name, data),
                language=language,
            )
        job.refresh_from_db()
        return job

    def commit(actor, job, mode="valid"):
        with django_capture_on_commit_callbacks(execute=True):
            services.import_commit(actor=actor, job_id=job.pk, mode=mode)
        job.refresh_from_db()
        return job

    return SimpleNamespace(upload=upload, commit=commit)


def _errors(job) -> dict[int, list[tuple[str, str]]]:
    return {
        row.number: [(e["column"], e["message"]) for e in row.errors]
        for row in job.rows.exclude(errors=[])
    }


def _bad_check(code: str) -> tuple[str, str]:
    """The code with a wrong last character, and the character it should have."""
    wrong = "1" if code[-1] != "1" else "2"
    return code[:-1] + wrong, code[-1]


# --- enterprises ---------------------------------------------------------------------------------


def test_a_good_enterprise_file_is_checked_then_imported_with_history_audit_and_timeline(
    approver, run
):
    rows = samples.enterprise_rows(12, counties=NANCHANG)
    job = run.upload(approver, "enterprises", samples.file_for("enterprises", rows))
    assert job.status == "validated", job.error
    assert (job.total_rows, job.create_rows, job.error_rows) == (12, 12, 0)
    assert job.file_format == "xlsx" and job.region_code == "360100"
    assert not Enterprise.objects.exists()  # nothing is written before the commit

    job = run.commit(approver, job, mode="all")
    assert job.status == "committed", job.error
    assert (job.created_count, job.updated_count, job.unchanged_count) == (12, 0, 0)
    imported = Enterprise.objects.get(uscc=rows[0]["uscc"])
    assert imported.name == rows[0]["name"]
    assert imported.kind == "retail_pharmacy"
    assert imported.verified_at is not None
    assert imported.name_initials and imported.name_initials[0].isalpha()
    assert imported.legal_representative_id_number() == rows[0]["legal_representative_id"]
    history = ChangeRecord.objects.get(object_type="registry.enterprise", object_id=imported.pk)
    assert history.action == "imported" and history.actor == approver
    assert history.changes["after"]["uscc"] == imported.uscc
    assert history.changes["after"]["legal_representative_id"].count("*") == 8  # masked
    assert f"#{job.pk}" in history.note
    entries = AuditEntry.objects.filter(action="registry.enterprises.import")
    assert entries.count() == 1
    assert entries[0].changes == {"created": 12, "updated": 0, "unchanged": 0, "skipped": 0}
    assert entries[0].object_type == "datacenter.importjob"
    assert entries[0].object_id == str(job.pk)
    assert TimelineEvent.objects.filter(enterprise=imported, kind="registration").exists()


def test_reimporting_the_same_file_changes_nothing_and_says_so(approver, run):
    data = samples.file_for("enterprises", samples.enterprise_rows(8, counties=NANCHANG))
    run.commit(approver, run.upload(approver, "enterprises", data))
    history, audit_entries = ChangeRecord.objects.count(), AuditEntry.objects.count()

    again = run.upload(approver, "enterprises", data)
    assert (again.create_rows, again.update_rows, again.unchanged_rows) == (0, 0, 8)
    again = run.commit(approver, again)
    assert again.status == "committed"
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 8)
    assert Enterprise.objects.count() == 8
    assert ChangeRecord.objects.count() == history  # no history for unchanged records
    # the upload, and the commit with its counts: still one entry per commit
    commit_entry = AuditEntry.objects.filter(action="registry.enterprises.import").latest("seq")
    assert commit_entry.changes["unchanged"] == 8
    assert AuditEntry.objects.count() == audit_entries + 2


def test_an_update_shows_what_changes_and_records_it(approver, run):
    rows = samples.enterprise_rows(3, counties=NANCHANG)
    run.commit(approver, run.upload(approver, "enterprises", samples.file_for("enterprises", rows)))
    rows[1]["phone"] = "0791-88886666"
    rows[1]["status"] = "停业"
    job = run.upload(approver, "enterprises", samples.file_for("enterprises", rows))
    assert (job.create_rows, job.update_rows, job.unchanged_rows) == (0, 1, 2)
    changed = job.rows.get(outcome="update")
    assert changed.changes["联系电话"][1] == "0791-88886666"
    assert changed.changes["经营状态"] == ["active", "suspended"]
    run.commit(approver, job)
    enterprise = Enterprise.objects.get(uscc=rows[1]["uscc"])
    assert (enterprise.phone, enterprise.status) == ("0791-88886666", "suspended")
    record = ChangeRecord.objects.filter(object_id=enterprise.pk, action="imported").first()
    assert record.changes["after"] == {"phone": "0791-88886666", "status": "suspended"}
    assert record.changes["before"]["status"] == "active"


def test_an_empty_cell_leaves_the_register_value_alone(approver, run):
    rows = samples.enterprise_rows(1, counties=NANCHANG)
    run.commit(approver, run.upload(approver, "enterprises", samples.file_for("enterprises", rows)))
    rows[0]["phone"] = ""
    job = run.upload(approver, "enterprises", samples.file_for("enterprises", rows))
    assert job.unchanged_rows == 1


def test_a_half_valid_file_names_each_error_by_column_and_reason(approver, run):
    rows = samples.enterprise_rows(10, counties=NANCHANG)
    bad_code, expected = _bad_check(rows[0]["uscc"])
    rows[0]["uscc"] = bad_code
    rows[1]["region_code"] = "360105"  # 湾里区: abolished in 2019
    rows[2]["region_code"] = "999999"
    rows[3]["kind"] = "保健品店"
    rows[4]["region_code"] = "360402"  # Jiujiang: outside Nanchang
    rows[6]["uscc"] = rows[5]["uscc"]  # the same enterprise twice
    rows[7]["legal_representative_id"] = _wrong_id()
    job = run.upload(approver, "enterprises", samples.file_for("enterprises", rows))
    assert job.status == "validated"
    assert (job.total_rows, job.error_rows, job.create_rows) == (10, 8, 2)
    errors = _errors(job)
    assert errors[2] == [
        (
            "统一社会信用代码",
            f"The check character (the last one) is wrong: it should be {expected}.",
        )
    ]
    assert errors[3] == [
        ("所在地区划代码", "360105 is not a current administrative division of this province.")
    ]
    assert errors[4] == [
        ("所在地区划代码", "999999 is not a current administrative division of this province.")
    ]
    assert errors[5][0][0] == "企业类型"
    assert "“保健品店” is not one of the allowed values" in errors[5][0][1]
    assert errors[6] == [("所在地区划代码", "This division is outside your bureau's jurisdiction.")]
    duplicate = [
        ("统一社会信用代码", "Appears more than once in this file (rows 7, 8): keep one row.")
    ]
    assert errors[7] == errors[8] == duplicate
    assert errors[9] == [("法定代表人身份证号码", "The check character of the ID number is wrong.")]
    assert set(errors) == {2, 3, 4, 5, 6, 7, 8, 9}

    with pytest.raises(ValidationFailed) as caught:
        run.commit(approver, job, mode="all")
    assert "8 rows have errors" in caught.value.errors["mode"][0]
    job.refresh_from_db()
    assert job.status == "validated"
    assert not Enterprise.objects.exists()
    assert not ChangeRecord.objects.exists()
    assert AuditEntry.objects.get(action="datacenter.import.commit").outcome == "failed"

    job = run.commit(approver, job, mode="valid")
    assert job.status == "committed"
    assert (job.created_count, job.skipped_count) == (2, 8)
    assert set(Enterprise.objects.values_list("uscc", flat=True)) == {
        rows[8]["uscc"],
        rows[9]["uscc"],
    }


def _valid_id(body17: str = "36010219850612123") -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def _wrong_id(body17: str = "36010219850612123") -> str:
    right = _valid_id(body17)[-1]
    return body17 + ("1" if right != "1" else "2")


def test_the_error_messages_follow_the_uploaders_language(approver, run):
    rows = samples.enterprise_rows(1, counties=NANCHANG)
    rows[0]["region_code"] = "360402"
    job = run.upload(
        approver, "enterprises", samples.file_for("enterprises", rows), language="zh-hans"
    )
    assert job.language == "zh-hans"
    message = job.rows.get().errors[0]["message"]
    with translation.override("zh-hans"):
        expected = translation.gettext("This division is outside your bureau's jurisdiction.")
    assert message == expected


def test_a_store_may_name_its_headquarters_created_by_the_same_file(approver, run):
    hq, store = samples.enterprise_rows(
        2, counties=["360102"], kinds=["retail_chain_hq", "retail_chain_store"]
    )
    store["headquarters_uscc"] = hq["uscc"]
    job = run.commit(
        approver, run.upload(approver, "enterprises", samples.file_for("enterprises", [store, hq]))
    )
    assert job.created_count == 2, job.rows.values_list("errors", flat=True)
    assert Enterprise.objects.get(uscc=store["uscc"]).headquarters.uscc == hq["uscc"]


def test_an_enterprise_registered_elsewhere_cannot_be_updated_from_here(approver, run, enterprises):
    outside = enterprises["lianxi"]
    rows = [
        {
            "uscc": outside.uscc,
            "name": outside.name,
            "kind": "单体零售药店",
            "legal_representative": "王五",
            "address": "江西省南昌市东湖区某路1号",
            "region_code": "360102",
        }
    ]
    job = run.upload(approver, "enterprises", samples.file_for("enterprises", rows))
    assert _errors(job)[2][0][0] == "统一社会信用代码"
    assert "outside your bureau's jurisdiction" in _errors(job)[2][0][1]


# --- files: encodings, refusals -------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_files_in_gbk_or_utf8_are_read(approver, run, encoding):
    rows = samples.enterprise_rows(5, counties=NANCHANG)
    data = samples.file_for("enterprises", rows, fmt="csv", encoding=encoding)
    job = run.upload(approver, "enterprises", data, name="企业.csv")
    assert job.status == "validated" and job.file_format == "csv"
    assert job.encoding == {"gbk": "GB18030", "gb18030": "GB18030"}.get(
        encoding, "UTF-8 (BOM)" if encoding == "utf-8-sig" else "UTF-8"
    )
    assert job.create_rows == 5, _errors(job)
    run.commit(approver, job)
    assert set(Enterprise.objects.values_list("name", flat=True)) == {r["name"] for r in rows}


def test_english_headers_are_accepted(approver, run):
    rows = samples.enterprise_rows(2, counties=NANCHANG)
    job = run.upload(approver, "enterprises", samples.file_for("enterprises", rows, english=True))
    assert job.create_rows == 2


def test_formulas_are_refused_cell_by_cell(approver, run):
    rows = samples.enterprise_rows(3, counties=NANCHANG)
    headers, body = samples.table("enterprises", rows)
    body[0][headers.index("联系电话")] = '=HYPERLINK("http://evil","x")'
    xlsx = run.upload(approver, "enterprises", samples.xlsx_bytes(headers, body))
    assert _errors(xlsx) == {
        2: [
            (
                "联系电话",
                "A formula is not a value: type the value itself (or copy the cells and paste "
                "them as values).",
            )
        ]
    }
    body[0][headers.index("联系电话")] = "0791-1"
    body[1][headers.index("企业名称")] = "@SUM(1+1)*cmd|' /C calc'!A0"
    csv = run.upload(approver, "enterprises", samples.csv_bytes(headers, body), name="a.csv")
    assert list(_errors(csv)) == [3]
    assert _errors(csv)[3][0][0] == "企业名称"
    assert "formula" in _errors(csv)[3][0][1]


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "enterprises.xlsx", "PNG file"),
        (b"", "empty.csv", "The file is empty."),
        (
            "统一社会信用代码,企业名称,企业类型,法定代表人,注册地址,所在地区划代码\n".encode(),
            "headers.csv",
            "headers but no rows",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old.xls", "(.xls)"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_and_nothing_is_stored(
    approver, run, media, data, name, reason
):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        run.upload(approver, "enterprises", data, name=name)
    assert reason in caught.value.errors["file"][0]
    assert not ImportJob.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*")) if media.exists() else True
    failure = AuditEntry.objects.get(action="datacenter.import.upload")
    assert failure.outcome == "failed"


def test_a_file_over_the_size_limit_is_refused(approver, run, settings):
    settings.YAOJIAN_IMPORT_MAX_BYTES = 2000
    data = samples.file_for(
        "enterprises", samples.enterprise_rows(30, counties=NANCHANG), fmt="csv"
    )
    with pytest.raises(ValidationFailed) as caught:
        run.upload(approver, "enterprises", data, name="big.csv")
    assert "the limit is 2.0" in caught.value.errors["file"][0]
    assert caught.value.code == "import_too_large"
    assert not ImportJob.objects.exists()


def test_too_many_rows_are_refused_at_upload_for_csv_and_by_the_check_for_xlsx(
    approver, run, settings
):
    settings.YAOJIAN_IMPORT_MAX_ROWS = 5
    rows = samples.enterprise_rows(6, counties=NANCHANG)
    with pytest.raises(ValidationFailed, match="more than 5 rows") as caught:
        run.upload(approver, "enterprises", samples.file_for("enterprises", rows, fmt="csv"))
    assert caught.value.code == "import_too_many_rows"
    job = run.upload(approver, "enterprises", samples.file_for("enterprises", rows))
    assert job.status == "failed"
    assert "more than 5 rows" in job.error
    assert not job.rows.exists() and not Enterprise.objects.exists()


def test_unknown_and_missing_columns_are_named(approver, run):
    data = samples.csv_bytes(["统一社会信用代码", "企业名称", "备注"], [["x", "y", "z"]])
    with pytest.raises(ValidationFailed) as caught:
        run.upload(approver, "enterprises", data, name="e.csv")
    message = caught.value.errors["file"][0]
    assert "Unknown columns: 备注" in message
    assert "Missing required columns: 企业类型, 法定代表人, 注册地址, 所在地区划代码" in message


def test_the_templates_example_row_is_not_imported(approver, run):
    from yaojian.datacenter.imports import downloads

    job = run.upload(approver, "enterprises", downloads.template_xlsx("enterprises"))
    assert job.error_rows == 1
    assert "example row" in job.rows.get().errors[0]["message"]


# --- licences, products, people -----------------------------------------------------------------


def _licence_rows(holders, **overrides):
    today = timezone.localdate()
    return [
        {
            "number": factories.licence_number("drug_retail", holder.region_code),
            "kind": "药品经营许可证（零售）",
            "holder_uscc": holder.uscc,
            "scope": "处方药、甲类非处方药",
            "issued_on": f"{today.year - 1}-03-01",
            "valid_from": f"{today.year - 1}-03-01",
            "valid_until": f"{today.year + 4}-02-28",
            "status": "有效",
            **overrides,
        }
        for holder in holders
    ]


def test_a_licence_file_is_imported_with_timeline_events(approver, run, enterprises):
    holders = [enterprises["donghu"], enterprises["xihu"]]
    rows = _licence_rows(holders)
    job = run.upload(approver, "licences", samples.file_for("licences", rows))
    assert job.create_rows == 2, _errors(job)
    job = run.commit(approver, job, mode="all")
    licence = Licence.objects.get(number=rows[0]["number"])
    assert licence.holder == holders[0] and licence.kind == "drug_retail"
    assert licence.issuing_bureau.region_code == "360100"
    assert licence.valid_until == dt.date(timezone.localdate().year + 4, 2, 28)
    event = TimelineEvent.objects.get(enterprise=holders[0], kind="licence")
    assert licence.number in event.title and event.object_id == str(licence.pk)
    assert (
        ChangeRecord.objects.filter(object_type="registry.licence", action="imported").count() == 2
    )
    assert AuditEntry.objects.filter(action="registry.licences.import").count() == 1
    again = run.upload(approver, "licences", samples.file_for("licences", rows))
    assert again.unchanged_rows == 2


def test_licence_rules_are_checked_per_row(approver, run, enterprises):
    donghu, lianxi = enterprises["donghu"], enterprises["lianxi"]
    manufacturer = factories.EnterpriseFactory(region_code="360102", kind="drug_manufacturer")
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    rows = [
        *_licence_rows([donghu], valid_until=past),  # a valid licence already expired
        *_licence_rows([donghu], number="赣DA36010012"),  # not the official format
        *_licence_rows([manufacturer]),  # a manufacturer cannot hold a retail licence
        *_licence_rows([donghu], holder_uscc=uscc_with_check_character("91360102MA35NXTHR")),
        *_licence_rows([lianxi]),  # outside Nanchang
        *_licence_rows([donghu], kind="药品许可证"),
        *_licence_rows([donghu], valid_from="2030-01-01", valid_until="2029-01-01"),
    ]
    job = run.upload(approver, "licences", samples.file_for("licences", rows))
    errors = _errors(job)
    assert errors[2] == [
        (
            "有效期至",
            "This date has passed, so the licence cannot be valid: correct the date, or give "
            "the status “expired”.",
        )
    ]
    assert errors[3][0][0] == "许可证编号" and "赣DA360100123" in errors[3][0][1]
    assert errors[4] == [
        (
            "持证企业统一社会信用代码",
            "A Drug manufacturer cannot hold a Drug trading licence (retail).",
        )
    ]
    assert errors[5] == [
        ("持证企业统一社会信用代码", "No enterprise of the register has this credit code.")
    ]
    assert errors[6] == [
        ("持证企业统一社会信用代码", "This enterprise is outside your bureau's jurisdiction.")
    ]
    assert errors[7][0][0] == "许可证类型"
    assert errors[8] == [("有效期至", "This date is before the start of validity.")]
    assert job.create_rows == 0


def test_a_licence_that_changed_since_the_check_stops_an_all_or_nothing_commit(
    approver, run, enterprises
):
    rows = _licence_rows([enterprises["donghu"], enterprises["xihu"]])
    job = run.upload(approver, "licences", samples.file_for("licences", rows))
    assert job.create_rows == 2
    # meanwhile someone registers the second number to another holder
    factories.LicenceFactory(number=rows[1]["number"], holder=factories.EnterpriseFactory())
    job = run.commit(approver, job, mode="all")
    assert job.status == "validated"
    assert "1 row became invalid" in job.error
    assert Licence.objects.count() == 1  # only the one created meanwhile
    assert job.error_rows == 1
    row = job.rows.get(number=3)
    assert row.outcome == "error" and "never changes holder" in row.errors[0]["message"]
    # the valid rows may still be committed
    job = run.commit(approver, job, mode="valid")
    assert job.status == "committed" and job.created_count == 1


def test_a_change_between_the_last_check_and_the_write_lock_is_caught(
    approver, run, enterprises, monkeypatch
):
    rows = _licence_rows([enterprises["donghu"], enterprises["xihu"]])
    job = run.upload(approver, "licences", samples.file_for("licences", rows))
    original = bulk.make_ready

    def meanwhile(register, outcomes):  # runs after the check, before the write lock
        factories.LicenceFactory(number=rows[0]["number"], holder=factories.EnterpriseFactory())
        original(register, outcomes)

    monkeypatch.setattr(bulk, "make_ready", meanwhile)
    job = run.commit(approver, job, mode="all")
    assert job.status == "validated" and "1 row became invalid" in job.error
    assert Licence.objects.count() == 1


def test_a_product_file_with_every_kind_of_product(approver, run, enterprises):
    mah = factories.EnterpriseFactory(region_code="360102", kind="mah")
    rows = [
        {
            "kind": "药品",
            "name": "阿莫西林胶囊",
            "approval_number": "国药准字H20203456",
            "dosage_form": "胶囊剂",
            "strength": "0.25g",
            "rx_class": "处方药",
            "holder_uscc": mah.uscc,
            "manufacturer_uscc": mah.uscc,
            "trace_product_code": "8123456",
        },
        {
            "kind": "中药饮片",
            "name": "黄芪片",
            "botanical_source": "蒙古黄芪",
            "processing_method": "切片",
            "standard": "《中国药典》2020年版一部",
            "holder_name": "江西樟树饮片厂",
        },
        {
            "kind": "医疗器械",
            "name": "一次性使用无菌注射器",
            "approval_number": "赣械注准20202140012",
            "device_class": "第二类",
            "holder_name": "江西洪达医疗器械集团有限公司",
        },
        {
            "kind": "化妆品",
            "name": "保湿面霜",
            "approval_number": "赣G妆网备字2020000123",
            "cosmetic_category": "普通化妆品",
            "holder_name": "江西示例生物科技有限公司",
        },
        {"kind": "药品", "name": "无批准文号的药", "dosage_form": "片剂", "holder_name": "某厂"},
    ]
    job = run.upload(approver, "products", samples.file_for("products", rows))
    assert (job.create_rows, job.error_rows) == (4, 1), _errors(job)
    assert (
        "批准文号/注册证号/备案号",
        "This field is required for this type of product.",
    ) in _errors(job)[6]
    run.commit(approver, job)
    drug = Product.objects.get(approval_number="国药准字H20203456")
    assert drug.holder == mah and drug.name_initials == "amxljn"
    assert TimelineEvent.objects.filter(product=drug, enterprise=mah, kind="product").exists()
    piece = Product.objects.get(name="黄芪片")
    assert piece.approval_number is None
    again = run.upload(approver, "products", samples.file_for("products", rows[:4]))
    assert (again.create_rows, again.unchanged_rows) == (0, 4), _errors(again)


def test_product_codes_already_used_by_another_product_are_refused(approver, run):
    existing = factories.ProductFactory(trace_product_code="8100001")
    rows = [
        {
            "kind": "药品",
            "name": "布洛芬片",
            "approval_number": "国药准字H20200001",
            "dosage_form": "片剂",
            "strength": "0.1g",
            "rx_class": "乙类非处方药",
            "holder_name": "某药业",
            "trace_product_code": "8100001",
        }
    ]
    job = run.upload(approver, "products", samples.file_for("products", rows))
    assert _errors(job)[2] == [
        (
            "药品标识码",
            f"Already given to another product of the register: {existing.name}.",
        )
    ]


def test_a_people_file_with_pharmacists_and_quality_managers(approver, run, enterprises):
    pharmacy = enterprises["donghu"]
    id_number = _valid_id()
    rows = [
        {
            "role": "执业药师",
            "name": "刘药师",
            "id_number": id_number,
            "certificate_number": "ZY00360012345678",
            "category": "药学",
            "enterprise_uscc": pharmacy.uscc,
            "registered_until": f"{timezone.localdate().year + 3}-06-30",
        },
        {"role": "质量负责人", "name": "陈质量", "enterprise_uscc": pharmacy.uscc},
        {
            "role": "执业药师",
            "name": "无证药师",
            "enterprise_uscc": pharmacy.uscc,
            "category": "中药学",
        },
        {
            "role": "执业药师",
            "name": "错号药师",
            "id_number": _wrong_id(),
            "certificate_number": "ZY00360099999999",
            "category": "药学",
            "enterprise_uscc": pharmacy.uscc,
        },
    ]
    job = run.upload(approver, "people", samples.file_for("people", rows))
    assert (job.create_rows, job.error_rows) == (2, 2), _errors(job)
    assert _errors(job)[4] == [
        (
            "执业药师注册证编号",
            "A licensed pharmacist has a registration certificate number.",
        )
    ]
    assert _errors(job)[5] == [("身份证号码", "The check character of the ID number is wrong.")]
    run.commit(approver, job)
    pharmacist = Person.objects.get(certificate_number="ZY00360012345678")
    assert pharmacist.id_number() == id_number and pharmacist.enterprise == pharmacy
    assert TimelineEvent.objects.filter(enterprise=pharmacy, kind="person").count() == 2
    again = run.upload(approver, "people", samples.file_for("people", rows[:2]))
    assert again.unchanged_rows == 2, _errors(again)
    rows[1]["status"] = "离职"
    left = run.commit(
        approver, run.upload(approver, "people", samples.file_for("people", rows[:2]))
    )
    assert left.updated_count == 1
    assert Person.objects.get(name="陈质量").status == "left"


# --- who may, and what happens when it goes wrong ------------------------------------------------


def test_an_inspector_may_not_import(province, run):
    inspector = factories.regulator("360100", roles=[Role.INSPECTOR])
    data = samples.file_for("enterprises", samples.enterprise_rows(1, counties=NANCHANG))
    with pytest.raises(PermissionDenied):
        run.upload(inspector, "enterprises", data)
    assert AuditEntry.objects.filter(outcome="denied").exists()
    assert not ImportJob.objects.exists()


def test_another_citys_regulator_can_neither_see_nor_commit_the_job(approver, run, province):
    job = run.upload(approver, "enterprises", _enterprise_file(2))
    jiujiang = factories.regulator("360400", roles=[Role.APPROVER])
    province_leader = factories.regulator("360000", roles=[Role.LEADER])
    assert job not in selectors.job_list(jiujiang)
    assert job in selectors.job_list(province_leader)
    with pytest.raises(NotFound):
        selectors.job_get(jiujiang, job.pk)
    with pytest.raises(NotFound):
        run.commit(jiujiang, job)
    job.refresh_from_db()
    assert job.status == "validated"


def test_an_import_is_committed_once(approver, run):
    job = run.upload(approver, "enterprises", _enterprise_file(2))
    run.commit(approver, job)
    with pytest.raises(Conflict, match="already committed"):
        run.commit(approver, job)
    assert Enterprise.objects.count() == 2
    assert AuditEntry.objects.filter(action="registry.enterprises.import").count() == 1


def test_a_failed_check_marks_the_job_failed_and_it_can_run_again(
    approver, run, monkeypatch, django_capture_on_commit_callbacks
):
    data = samples.file_for("enterprises", samples.enterprise_rows(2, counties=NANCHANG))

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bulk, "prepare", broken)
    job = run.upload(approver, "enterprises", data)
    assert job.status == "failed"
    assert "unexpected error (RuntimeError)" in job.error
    assert job.file.storage.exists(job.file.name)  # the uploaded file is kept
    monkeypatch.undo()
    with pytest.raises(Conflict):
        run.commit(approver, job)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_retry(actor=approver, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "validated" and job.create_rows == 2
    with pytest.raises(Conflict, match="Only a failed or stalled import"):
        services.import_retry(actor=approver, job_id=job.pk)


def test_a_job_whose_worker_died_can_be_run_again(
    approver, run, django_capture_on_commit_callbacks
):
    job = run.upload(approver, "enterprises", _enterprise_file(2))
    with django_capture_on_commit_callbacks(execute=False):  # the worker never runs it
        services.import_commit(actor=approver, job_id=job.pk, mode="all")
    job.refresh_from_db()
    assert job.status == "committing" and not selectors.job_is_stalled(job)
    with pytest.raises(Conflict):
        services.import_retry(actor=approver, job_id=job.pk)
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=an_hour_ago, commit_requested_at=an_hour_ago
    )
    job.refresh_from_db()
    assert selectors.job_is_stalled(job)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_retry(actor=approver, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "validated" and not Enterprise.objects.exists()
    job = run.commit(approver, job, mode="all")
    assert job.created_count == 2


def test_a_failed_commit_marks_the_job_failed_and_writes_nothing(approver, run, monkeypatch):
    job = run.upload(approver, "enterprises", _enterprise_file(3))

    def broken(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(bulk, "apply", broken)
    job = run.commit(approver, job)
    assert job.status == "failed" and "RuntimeError" in job.error
    assert not Enterprise.objects.exists()


def test_a_committer_who_lost_the_role_meanwhile_gets_a_failed_job_with_the_reason(
    approver, run, django_capture_on_commit_callbacks
):
    job = run.upload(approver, "enterprises", _enterprise_file(1))
    with django_capture_on_commit_callbacks(execute=False):
        services.import_commit(actor=approver, job_id=job.pk, mode="valid")
    approver.role_assignments.all().delete()
    services.import_apply(job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.status == "failed"
    assert "This needs the role" in job.error
    assert not Enterprise.objects.exists()


def _enterprise_file(count: int, **options) -> bytes:
    return samples.file_for(
        "enterprises", samples.enterprise_rows(count, counties=NANCHANG), **options
    )


def test_rows_are_kept_with_their_original_cells_for_the_report(approver, run):
    rows = samples.enterprise_rows(2, counties=NANCHANG)
    rows[0]["phone"] = "=1+1"
    job = run.upload(approver, "enterprises", samples.file_for("enterprises", rows, fmt="csv"))
    stored = ImportRow.objects.get(job=job, number=2)
    assert "=1+1" in stored.cells
    assert stored.outcome == "error"
