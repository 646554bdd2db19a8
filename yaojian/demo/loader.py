"""Load the demo province into the database.

Bureaus, regulators, enterprises and their registers (licences, products, people, the
first facts of a sample of enterprise files) are seed data and are bulk-inserted (one audit
entry records the load). What a user would do (enterprises registering themselves, a bureau's
first to-dos) goes through the services, so it looks exactly as it would in production.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import zlib
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from yaojian.accounts import services as accounts
from yaojian.accounts.choices import BureauLevel, EnterpriseRight, Role, UserKind
from yaojian.accounts.models import ALL_ENTERPRISE_RIGHTS, Bureau, RoleAssignment, User
from yaojian.audit import services as audit
from yaojian.core import crypto, regions
from yaojian.core.text import pinyin_initials
from yaojian.core.texts import Text, for_storage
from yaojian.demo import trace as demo_trace
from yaojian.demo.generator import SCALES, EnterpriseRow, ProvinceGenerator
from yaojian.demo.registers import RegisterGenerator, Registers
from yaojian.registry.choices import (
    FILING_KINDS,
    EnterpriseKind,
    PersonRole,
    PharmacistCategory,
    TimelineKind,
)
from yaojian.registry.models import Enterprise, Licence, Person, Product, TimelineEvent
from yaojian.registry.services.people import id_number_hash
from yaojian.workbench import services as workbench

DEFAULT_PASSWORD = "Yaojian@2026"  # noqa: S105 - the documented demo password
DEMO_COUNTY = "360102"  # 南昌市东湖区
DEMO_CITY = "360100"  # 南昌市
DEMO_CHAIN = "江西康宁大药房连锁有限公司"
SYSTEM = audit.Actor(username="demo-loader", kind="system")


@dataclass
class DemoAccount:
    username: str
    description: str


DEMO_ACCOUNTS = [
    DemoAccount("province", "省局监管人员 · province regulator"),
    DemoAccount("city", "南昌市局 · Nanchang city regulator"),
    DemoAccount("county", "东湖区局 · Donghu county regulator"),
    DemoAccount("enterprise", f"{DEMO_CHAIN} 主账号 · master account of a retail pharmacy chain"),
    DemoAccount("enterprise-quality", "质量负责人子账号 · sub-account: view, apply, respond"),
    DemoAccount("enterprise-it", "信息部门子账号 · sub-account: view, trace, tokens"),
    DemoAccount("sysadmin", "系统管理员 · system administrator"),
    DemoAccount("secadmin", "安全管理员 · security administrator"),
    DemoAccount("auditor", "审计管理员 · audit administrator"),
]


@dataclass
class LoadReport:
    bureaus: int = 0
    regulators: int = 0
    enterprises: int = 0
    licences: int = 0
    products: int = 0
    people: int = 0
    timeline: int = 0
    seconds: float = 0.0
    accounts: list[DemoAccount] = field(default_factory=lambda: list(DEMO_ACCOUNTS))
    password: str = DEFAULT_PASSWORD


def demo_password() -> str:
    return os.environ.get("YAOJIAN_DEMO_PASSWORD") or DEFAULT_PASSWORD


def is_loaded() -> bool:
    return User.objects.filter(username="province").exists()


def bureau_names(region: regions.Region) -> tuple[str, str]:
    if region.level == regions.PROVINCE:
        return "江西省药品监督管理局", "Jiangxi Medical Products Administration"
    if region.level == regions.CITY:
        return (
            f"{region.name}市场监督管理局",
            f"{region.name_en.removesuffix(' City')} Administration for Market Regulation",
        )
    city = regions.get(region.code[:4] + "00")
    prefix = "" if region.name.endswith("市") else city.name
    return (
        f"{prefix}{region.name}市场监督管理局",
        f"{region.name_en} Administration for Market Regulation, {city.name_en.removesuffix(' City')}",
    )


def load(seed: int = 2026, scale: str = "demo", *, stdout=None) -> LoadReport:
    started = time.monotonic()
    generator = ProvinceGenerator(seed)
    password = demo_password()
    report = LoadReport(password=password)
    with transaction.atomic():
        bureaus = _load_bureaus()
        report.bureaus = len(bureaus)
        password_hash = make_password(password)
        report.regulators = _load_regulators(generator, bureaus, password_hash)
        chain_rows = generator.chain(
            DEMO_CHAIN,
            regions.get(DEMO_COUNTY),
            [
                regions.get(c)
                for c in (
                    "360102",
                    "360102",
                    "360103",
                    "360111",
                    "360121",
                    "360113",
                    "360402",
                    "360702",
                )
            ],
        )
        rows = chain_rows + list(generator.enterprises(SCALES[scale]))
        report.enterprises = _load_enterprises(rows)
        registers = RegisterGenerator(seed, today=timezone.localdate()).registers(rows)
        _load_registers(registers, bureaus, report, sample={row.uscc for row in chain_rows})
        _load_enterprise_accounts(generator, password_hash)
        audit.record(
            actor=SYSTEM,
            action="demo.load",
            detail=f"seed {seed}, scale {scale}: {report.bureaus} bureaus, "
            f"{report.regulators} regulators, {report.enterprises} enterprises, "
            f"{report.licences} licences, {report.products} products, {report.people} people",
        )
    _act_as_users(generator, password)
    _demo_applications(password)
    demo_trace.load(DEMO_CHAIN)
    _supervision_demos(seed)
    refresh_statistics()
    report.seconds = time.monotonic() - started
    return report


def _supervision_demos(seed: int) -> None:
    """Inspections, sampling, penalty cases and adverse reactions, through their services (each
    loader does nothing when its records are already there)."""
    from yaojian.enforcement import demo as enforcement_demo
    from yaojian.inspection import demo as inspection_demo
    from yaojian.inspection.draws import demo as draw_demo
    from yaojian.sampling import demo as sampling_demo
    from yaojian.vigilance import demo as vigilance_demo
    from yaojian.vigilance.signals import demo as signals_demo

    inspection_demo.load(seed)
    draw_demo.load(seed)
    sampling_demo.load(seed)
    enforcement_demo.load(seed)
    vigilance_demo.load(seed)
    signals_demo.load(seed)


def refresh_statistics() -> None:
    """After a bulk load the planner's statistics are stale: without them PostgreSQL picks
    slow plans for streaming reads (exports), and SQLite ignores its best indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _load_bureaus() -> dict[str, Bureau]:
    bureaus: dict[str, Bureau] = {}
    for region in regions.divisions().values():
        name, name_en = bureau_names(region)
        bureaus[region.code] = Bureau.objects.create(
            region_code=region.code,
            name=name,
            name_en=name_en,
            level=BureauLevel(region.level),
            parent=bureaus.get(region.parent_code) if region.parent_code else None,
        )
    return bureaus


def _load_regulators(generator: ProvinceGenerator, bureaus: dict[str, Bureau], password_hash: str):
    named = [
        ("province", "360000", [Role.LEADER, Role.APPROVER, Role.ANALYST]),
        ("city", DEMO_CITY, [Role.LEADER, Role.APPROVER, Role.REVIEWER, Role.INSPECTOR]),
        ("county", DEMO_COUNTY, [Role.INSPECTOR, Role.REVIEWER, Role.CASE_OFFICER, Role.APPROVER]),
        ("sysadmin", "360000", [Role.SYSTEM_ADMIN]),
        ("secadmin", "360000", [Role.SECURITY_ADMIN]),
        ("auditor", "360000", [Role.AUDIT_ADMIN]),
    ]
    now = timezone.now()
    users: list[User] = []
    roles: list[tuple[int, str]] = []
    for username, code, user_roles in named:
        users.append(
            User(
                username=username,
                full_name=generator.person_name(),
                kind=UserKind.REGULATOR,
                bureau=bureaus[code],
                password=password_hash,
                password_changed_at=now,
                phone=generator.mobile(),
            )
        )
        roles.append((len(users) - 1, user_roles))
    staff_roles = (
        [Role.INSPECTOR, Role.REVIEWER],
        [Role.INSPECTOR, Role.CASE_OFFICER],
        [Role.APPROVER, Role.LEADER],
    )
    for code, bureau in bureaus.items():
        for index, user_roles in enumerate(staff_roles):
            users.append(
                User(
                    username=f"r{code}{index + 1}",
                    full_name=generator.person_name(),
                    kind=UserKind.REGULATOR,
                    bureau=bureau,
                    password=password_hash,
                    password_changed_at=now,
                    phone=generator.mobile(),
                )
            )
            roles.append((len(users) - 1, user_roles))
    created = User.objects.bulk_create(users)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=created[index], role=role)
        for index, user_roles in roles
        for role in user_roles
    )
    return len(created)


def _load_enterprises(rows: list[EnterpriseRow]) -> int:
    now = timezone.now()
    enterprises = [
        Enterprise(
            name=row.name,
            uscc=row.uscc,
            kind=row.kind,
            legal_representative=row.legal_representative,
            legal_representative_id_enc=crypto.sm4_encrypt(
                row.legal_representative_id, context=row.uscc.encode()
            ),
            address=row.address,
            region_code=row.region_code,
            phone=row.phone,
            risk_grade=row.risk_grade,
            name_initials=pinyin_initials(row.name),
            latitude=row.latitude,
            longitude=row.longitude,
            verified_at=now,
            created_at=now,
            updated_at=now,
        )
        for row in rows
    ]
    Enterprise.objects.bulk_create(enterprises, batch_size=1000)
    # link chain stores to their headquarters
    hq_ids = dict(
        Enterprise.objects.filter(kind=EnterpriseKind.RETAIL_CHAIN_HQ).values_list("name", "id")
    )
    stores: dict[int, list[str]] = {}
    for row in rows:
        if row.kind == EnterpriseKind.RETAIL_CHAIN_STORE and row.chain_key in hq_ids:
            stores.setdefault(hq_ids[row.chain_key], []).append(row.uscc)
    for hq_id, usccs in stores.items():
        Enterprise.objects.filter(uscc__in=usccs).update(headquarters_id=hq_id)
    return len(enterprises)


# the people's facts in the files name their category in the sentence's own words (the model's
# English labels carry the Chinese in brackets, meant for a form, not for a sentence)
PHARMACIST_CATEGORIES = {
    PharmacistCategory.PHARMACY: pgettext_lazy("pharmacist category", "pharmacy"),
    PharmacistCategory.TCM_PHARMACY: pgettext_lazy(
        "pharmacist category", "traditional Chinese pharmacy"
    ),
    PharmacistCategory.BOTH: pgettext_lazy(
        "pharmacist category", "pharmacy and traditional Chinese pharmacy"
    ),
}
# the generated people are all licensed pharmacists, quality managers too
PHARMACIST_ROLES = {
    PersonRole.LICENSED_PHARMACIST: PersonRole.LICENSED_PHARMACIST.label,
    PersonRole.QUALITY_MANAGER: gettext_lazy("Quality manager (licensed pharmacist)"),
}
_TITLE_LENGTH = TimelineEvent._meta.get_field("title").max_length


def in_timeline_sample(uscc: str, region_code: str) -> bool:
    """Enterprises whose file starts with a timeline: the demo county's and one in ten."""
    return region_code == DEMO_COUNTY or zlib.crc32(uscc.encode()) % 10 == 0


def _load_registers(
    registers: Registers, bureaus: dict[str, Bureau], report: LoadReport, *, sample: set[str]
) -> None:
    """Licences, products and people, bulk-inserted; the timeline of the sampled files."""
    now = timezone.now()
    enterprises = {e.uscc: e for e in Enterprise.objects.only("id", "uscc", "region_code")}
    licences = Licence.objects.bulk_create(
        [
            Licence(
                kind=row.kind,
                number=row.number,
                holder_id=enterprises[row.holder_uscc].pk,
                scope=row.scope,
                registered_address=row.registered_address,
                warehouse_address=row.warehouse_address,
                legal_representative=row.legal_representative,
                principal=row.principal,
                quality_manager=row.quality_manager,
                issued_on=row.issued_on,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                status=row.status,
                issuing_bureau_id=bureaus[row.issuing_region].pk,
                created_at=now,
                updated_at=now,
            )
            for row in registers.licences
        ],
        batch_size=1000,
    )
    initials = cache(pinyin_initials)
    products = Product.objects.bulk_create(
        [
            Product(
                **{
                    name: value
                    for name, value in row.__dict__.items()
                    if name not in ("holder_uscc", "manufacturer_uscc")
                },
                name_initials=initials(row.name),
                holder_id=enterprises[row.holder_uscc].pk if row.holder_uscc else None,
                manufacturer_id=enterprises[row.manufacturer_uscc].pk
                if row.manufacturer_uscc
                else None,
                created_at=now,
                updated_at=now,
            )
            for row in registers.products
        ],
        batch_size=1000,
    )
    people = []
    for row in registers.people:
        digest = id_number_hash(row.id_number)
        people.append(
            Person(
                role=row.role,
                name=row.name,
                id_number_hash=digest,
                id_number_enc=crypto.sm4_encrypt(
                    row.id_number, context=f"person:{digest}".encode()
                ),
                certificate_number=row.certificate_number,
                category=row.category,
                enterprise_id=enterprises[row.enterprise_uscc].pk,
                registered_until=row.registered_until,
                status=row.status,
                created_at=now,
                updated_at=now,
            )
        )
    people = Person.objects.bulk_create(people, batch_size=1000)
    report.licences, report.products, report.people = len(licences), len(products), len(people)

    def sampled(uscc: str) -> bool:
        return uscc in sample or in_timeline_sample(uscc, enterprises[uscc].region_code)

    events = []
    for row, licence in zip(registers.licences, licences, strict=True):
        if not sampled(row.holder_uscc):
            continue
        events.append(
            _event(
                enterprises[row.holder_uscc],
                TimelineKind.LICENCE,
                *_licence_texts(licence, bureaus[row.issuing_region]),
                row.issued_on,
                licence,
            )
        )
    for row, person in zip(registers.people, people, strict=True):
        if not (row.registered_on and sampled(row.enterprise_uscc)):
            continue
        events.append(
            _event(
                enterprises[row.enterprise_uscc],
                TimelineKind.PERSON,
                *_person_texts(person),
                row.registered_on,
                person,
            )
        )
    report.timeline = len(TimelineEvent.objects.bulk_create(events, batch_size=1000))


def _licence_texts(licence: Licence, bureau: Bureau) -> tuple[Text, Text]:
    """(title, summary) of a licence's issue or a filing's record."""
    if licence.kind in FILING_KINDS:
        return (
            lambda: (
                _("%(licence)s %(number)s recorded")
                % {"licence": licence.get_kind_display(), "number": licence.number}
            ),
            lambda: _("Filed with: %(bureau)s") % {"bureau": bureau.display_name},
        )
    return (
        lambda: (
            _("%(licence)s %(number)s issued, valid until %(until)s")
            % {
                "licence": licence.get_kind_display(),
                "number": licence.number,
                "until": licence.valid_until.isoformat(),
            }
        ),
        lambda: _("Issuing bureau: %(bureau)s") % {"bureau": bureau.display_name},
    )


def _person_texts(person: Person) -> tuple[Text, Text]:
    """(title, summary) of a licensed pharmacist's registration."""
    return (
        lambda: (
            _("%(role)s %(name)s registered (%(category)s), valid until %(until)s")
            % {
                "role": PHARMACIST_ROLES[person.role],
                "name": person.name,
                "category": PHARMACIST_CATEGORIES[person.category],
                "until": person.registered_until.isoformat(),
            }
        ),
        lambda: _("Registration certificate %(number)s") % {"number": person.certificate_number},
    )


def _event(enterprise, kind, title: Text, summary: Text, day: dt.date, obj) -> TimelineEvent:
    """A fact as `registry.services.timeline_post` writes it (built here to be bulk-inserted):
    its texts rendered in every language of the interface (see core/texts.py), so that each
    reader of the file reads it in their own language."""
    occurred = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    event = TimelineEvent(
        enterprise_id=enterprise.pk,
        kind=kind,
        occurred_at=occurred,
        source="registry",
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        region_code=enterprise.region_code,
        created_at=timezone.now(),
    )
    event.title, event.title_i18n = for_storage(title, limit=_TITLE_LENGTH)
    event.summary, event.summary_i18n = for_storage(summary)
    return event


def _load_enterprise_accounts(generator: ProvinceGenerator, password_hash: str) -> None:
    chain = Enterprise.objects.get(name=DEMO_CHAIN)
    now = timezone.now()
    User.objects.bulk_create(
        [
            User(
                username="enterprise",
                full_name=chain.legal_representative,
                kind=UserKind.ENTERPRISE,
                enterprise=chain,
                is_enterprise_master=True,
                enterprise_rights=ALL_ENTERPRISE_RIGHTS,
                password=password_hash,
                password_changed_at=now,
                phone=generator.mobile(),
            ),
            User(
                username="enterprise-quality",
                full_name=generator.person_name(),
                kind=UserKind.ENTERPRISE,
                enterprise=chain,
                enterprise_rights=[
                    EnterpriseRight.VIEW,
                    EnterpriseRight.APPLY,
                    EnterpriseRight.RESPOND,
                ],
                password=password_hash,
                password_changed_at=now,
            ),
            User(
                username="enterprise-it",
                full_name=generator.person_name(),
                kind=UserKind.ENTERPRISE,
                enterprise=chain,
                enterprise_rights=[
                    EnterpriseRight.VIEW,
                    EnterpriseRight.TRACE,
                    EnterpriseRight.TOKENS,
                ],
                password=password_hash,
                password_changed_at=now,
            ),
        ]
    )


def _act_as_users(generator: ProvinceGenerator, password: str) -> None:
    """What users did before the demo starts: each through the real services."""
    master = User.objects.get(username="enterprise")
    accounts.token_create(
        actor=master, name="仓储管理系统 WMS", rights=[EnterpriseRight.VIEW, EnterpriseRight.TRACE]
    )
    for county_code in (DEMO_COUNTY, DEMO_COUNTY, "360103", "360111"):
        row = generator.enterprise(EnterpriseKind.RETAIL_PHARMACY, regions.get(county_code))
        accounts.enterprise_register(
            name=row.name,
            uscc=row.uscc,
            kind=row.kind,
            legal_representative=row.legal_representative,
            address=row.address,
            region_code=row.region_code,
            phone=row.phone,
            username=f"ent-{row.uscc[-6:].lower()}",
            password=password,
            full_name=row.legal_representative,
        )
        # the platform places an enterprise on the map from its address (geocoding)
        Enterprise.objects.filter(uscc=row.uscc).update(
            latitude=row.latitude, longitude=row.longitude
        )
    # demo content, written in both languages of the interface: each reader reads their own
    for username in ("province", "city", "county", "enterprise"):
        user = User.objects.get(username=username)
        workbench.notify(
            user,
            source="platform",
            email=False,
            subject={
                "zh-hans": "欢迎使用江西省智慧药品监管平台（演示）",
                "en": "Welcome to the Jiangxi smart drug-regulation platform (demo)",
            },
            body={
                "zh-hans": "这是演示环境，数据均为虚构。",
                "en": "This is a demo: every record is invented.",
            },
        )
    county = Bureau.objects.get(region_code=DEMO_COUNTY)
    workbench.todo_post(
        source="platform",
        kind="demo.review",
        bureau=county,
        role=Role.INSPECTOR,
        title={
            "zh-hans": "复核辖区零售药店执业药师在岗情况（演示）",
            "en": "Check that the licensed pharmacists of the district's pharmacies are at work (demo)",
        },
        body={
            "zh-hans": "逐家核对辖区零售药店的执业药师注册及在岗情况，发现挂证、不在岗的，记录并移交检查。",
            "en": "Check each retail pharmacy's licensed pharmacists, registration and presence; "
            "record any who only lend their certificate or are absent, and refer them for "
            "inspection.",
        },
        due_at=timezone.now() - timezone.timedelta(days=2),
    )


DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _demo_applications(password: str) -> None:
    """Applications in every interesting state, made through the service hall's own services."""
    from yaojian.core import shipped
    from yaojian.licensing import services as hall
    from yaojian.registry import services as registers

    # the matters, and the checklists that instant approvals' verification inspections use
    shipped.install()

    def fill_and_submit(user, code, *, route="normal", licence_number="", **form):
        application = hall.application_create(
            actor=user, matter_code=code, licence_number=licence_number
        )
        data = {
            **application.form_data,
            "principal": user.full_name or "王建华",
            "quality_manager": "刘晓燕",
            **form,
        }
        hall.application_save(
            actor=user, application_id=application.pk, form_data=data, route=route
        )
        for material in application.matter.materials:
            if route == "commitment" and material.get("waived_by_commitment"):
                continue
            hall.material_upload(
                actor=user,
                application_id=application.pk,
                code=material["code"],
                name=f"{material['name']}.pdf",
                data=DEMO_PDF,
            )
        hall.application_submit(actor=user, application_id=application.pk)
        return application

    from yaojian.elicence import services as elicence

    chain = User.objects.get(username="enterprise")
    city = User.objects.get(username="city")
    # the chain's licences carry electronic licences, so that verification has something to find
    chain_licences = Licence.objects.filter(
        Q(holder=chain.enterprise) | Q(holder__headquarters=chain.enterprise),
        status__in=["valid", "suspended"],
    )
    for licence in chain_licences.select_related("holder", "issuing_bureau"):
        elicence.issue(actor=elicence.SYSTEM, licence=licence, reason="演示：存量许可证电子化")
    held = set(chain.enterprise.licences.values_list("kind", flat=True))
    # a class III device licence under review at the Nanchang bureau
    application = fill_and_submit(
        chain,
        "device-trading-iii-new",
        scope=["6815 注射穿刺器械", "22 临床检验器械"],
        warehouse_address="江西省南昌市东湖区高新技术产业园区解放路168号5栋",
    )
    hall.application_accept(actor=city, application_id=application.pk)
    # a self-registered pharmacy: the bureau records its pharmacist, it applies, awaiting acceptance
    newcomer = (
        User.objects.filter(username__startswith="ent-", enterprise__region_code=DEMO_COUNTY)
        .order_by("pk")
        .first()
    )
    registers.enterprise_verify(actor=city, enterprise_id=newcomer.enterprise_id)
    registers.person_create(
        actor=city,
        enterprise_id=newcomer.enterprise_id,
        role="licensed_pharmacist",
        name="周慧敏",
        certificate_number="ZY00360099001",
        category="pharmacy",
        registered_until=timezone.localdate().replace(year=timezone.localdate().year + 4),
    )
    newcomer = User.objects.get(pk=newcomer.pk)
    fill_and_submit(
        newcomer, "drug-retail-new", scope=["处方药", "甲类非处方药", "乙类非处方药", "中成药"]
    )
    # a filing approved at once (秒批): the chain's online sales, or else the newcomer's devices
    if "online_drug_sales" not in held:
        fill_and_submit(
            chain,
            "online-drug-sales-filing",
            website="康宁大药房网上药店 https://kangning.example.cn",
        )
    else:
        fill_and_submit(newcomer, "device-trading-ii-filing", scope=["07 医用诊察和监护器械"])
