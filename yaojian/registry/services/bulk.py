"""Bulk writes on the registers: thousands of records in a few queries, under the same rules.

The one-record services (`enterprise_create`, `licence_update`…) stay the way to change one
record. This module serves imports: it checks many rows against the same rules (official
number formats, holders of the right kind, product and pharmacist rules, resident ID numbers,
jurisdiction), matches them to existing records by natural key with a few batched queries,
and writes with bulk_create / bulk_update, one ChangeRecord (action "imported") per written
record, timeline events, and ONE audit entry with the counts.

Two steps, so that a caller can show a preview before anything is written:

    outcomes = bulk.prepare("enterprises", actor, rows)          # reads only
    counts = bulk.apply("enterprises", actor, outcomes, note=…)   # writes the valid outcomes

A row is a `Row`: its number in the file (for messages), its values by field name (already
converted to Python types; "" or None means "not given": a new record takes the default,
an existing record keeps its value) and the errors found while converting them. References
to enterprises are given by credit code: `headquarters_uscc`, `holder_uscc`,
`manufacturer_uscc`, `enterprise_uscc`. Errors name these same keys.

Natural keys: an enterprise by its credit code; a licence by its number; a product by its
approval number (a decoction piece without one by name + holder + standard); a licensed
pharmacist by certificate number, anyone else by enterprise + name + role.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

from yaojian.audit import services as audit
from yaojian.core import crypto, masking
from yaojian.core.errors import PermissionDenied
from yaojian.core.scoping import scope_of
from yaojian.core.text import pinyin_initials
from yaojian.core.texts import Text, each_language, for_storage
from yaojian.core.validators import normalise_uscc, validate_resident_id
from yaojian.registry import formats
from yaojian.registry.choices import (
    EnterpriseStatus,
    LicenceStatus,
    PersonRole,
    PersonStatus,
    ProductKind,
    ProductStatus,
    Severity,
    TimelineKind,
)
from yaojian.registry.models import (
    ChangeRecord,
    Enterprise,
    Licence,
    Person,
    Product,
    TimelineEvent,
)
from yaojian.registry.services import licences as licence_rules
from yaojian.registry.services import people as people_rules
from yaojian.registry.services import products as product_rules
from yaojian.registry.services.common import require_registry_role

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
# set while rows that `prepare` already found valid are prepared again (see `prepare`)
_formats_checked: ContextVar[bool] = ContextVar("formats_checked", default=False)
ACTIONS = (CREATE, UPDATE, UNCHANGED, ERROR)
QUERY_CHUNK = 900  # below SQLite's 999 parameters per query
BATCH = 1000


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Outcome:
    """What one row will do: create, update (with which changes), nothing, or why it cannot."""

    row: Row
    action: str = ERROR
    errors: dict[str, list[str]] = field(default_factory=dict)
    # field -> [before, after] as shown to people (personal data masked); before is None
    # for a new record
    changes: dict[str, list[Any]] = field(default_factory=dict)
    obj: Any = None
    key: Any = None
    secret: str = ""  # an ID number to encrypt on write
    ready: bool = False  # derived values (pinyin initials, encrypted numbers) computed
    link: str = ""  # the credit code of a headquarters created by the same import

    def add_error(self, name: str, message: str) -> None:
        messages = self.errors.setdefault(name, [])
        if message not in messages:
            messages.append(message)

    @property
    def ok(self) -> bool:
        return self.action in (CREATE, UPDATE, UNCHANGED)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


Progress = Callable[[int, int], None]


# --- helpers ------------------------------------------------------------------------------


def given(value: Any) -> bool:
    return value is not None and value != ""


def _text(value: Any) -> str:
    return str(value).strip() if given(value) else ""


def _chunks(items: Sequence[Any], size: int = QUERY_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load(queryset: models.QuerySet, name: str, values: Iterable[Any], *, lock: bool = False):
    """{value: object} for the objects whose `name` is one of `values` (batched IN queries)."""
    wanted = sorted({v for v in values if given(v)})
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    found: dict[Any, Any] = {}
    for chunk in _chunks(wanted):
        for obj in queryset.filter(**{f"{name}__in": chunk}):
            found[getattr(obj, name)] = obj
    return found


def _display(value: Any) -> Any:
    """A value as the history and the preview show it."""
    if isinstance(value, models.Model):
        return getattr(value, "uscc", None) or str(value)
    return audit.jsonable(value)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) or isinstance(new, str):
        return (old or "") == (new or "")
    if isinstance(old, float) or isinstance(new, float):
        try:
            return old is not None and new is not None and abs(float(old) - float(new)) < 1e-9
        except (TypeError, ValueError):
            return False
    return old == new


def _set_values(outcome: Outcome, obj: models.Model, values: dict, names: Iterable[str]) -> None:
    """Set the given values on `obj`, recording those that differ from its current ones."""
    for name in names:
        if name in outcome.errors or not given(values.get(name)):
            continue
        new, old = values[name], getattr(obj, name)
        if isinstance(new, str):
            new = new.strip()
        if not _same(old, new):
            if outcome.action != CREATE:
                outcome.changes[name] = [_display(old), _display(new)]
            setattr(obj, name, new)


def _clean(outcome: Outcome, obj: models.Model, names: Iterable[str]) -> None:
    """Field validation (formats, lengths, choices) of `names`, without queries."""
    if _formats_checked.get():
        return
    names = {n for n in names if n not in outcome.errors}
    exclude = [f.name for f in obj._meta.fields if f.name not in names or f.is_relation]
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                outcome.add_error(name, message)


def _resident_id(value: Any) -> str:
    """A resident ID number, validated (or only normalised when its format was checked)."""
    if _formats_checked.get():
        return ric.compact(str(value)).upper()
    return validate_resident_id(str(value))


def _require(outcome: Outcome, values: dict, names: Iterable[str]) -> None:
    for name in names:
        if not given(values.get(name)) and name not in outcome.errors:
            outcome.add_error(name, _("Required for a new record."))


def _mark_duplicates(outcomes: list[Outcome], name: str, key: Callable[[Outcome], Any]) -> None:
    """Rows of one file that name the same record: each of them is an error."""
    groups: dict[Any, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        value = key(outcome)
        if value:
            groups[value].append(outcome)
    for group in groups.values():
        if len(group) < 2:
            continue
        numbers = ", ".join(str(o.row.number) for o in group)
        for outcome in group:
            outcome.add_error(
                name,
                _("Appears more than once in this file (rows %(rows)s): keep one row.")
                % {"rows": numbers},
            )


def _finish(outcome: Outcome, obj: Any, *, new: bool) -> None:
    if outcome.errors:
        outcome.action, outcome.obj, outcome.changes = ERROR, None, {}
        return
    outcome.obj = obj
    outcome.action = CREATE if new else (UPDATE if outcome.changes else UNCHANGED)


def _covers(actor: Any, region_code: str | None) -> bool:
    return scope_of(actor).covers_region(region_code)


def _outside() -> str:
    return _("This enterprise is outside your bureau's jurisdiction.")


def _not_in_register() -> str:
    return _("No enterprise of the register has this credit code.")


def _enterprise_ref(
    outcome: Outcome, actor: Any, name: str, enterprises: dict[str, Enterprise]
) -> Enterprise | None:
    """The enterprise a row names by credit code, inside the actor's jurisdiction."""
    value = outcome.row.values.get(name)
    if not given(value) or name in outcome.errors:
        return None
    enterprise = enterprises.get(normalise_uscc(str(value)))
    if enterprise is None:
        outcome.add_error(name, _not_in_register())
    elif not _covers(actor, enterprise.region_code):
        outcome.add_error(name, _outside())
    else:
        return enterprise
    return None


def _date_rules(outcome: Outcome, obj: Any, *, new: bool) -> None:
    """A period in order, and no valid record that has already expired."""
    start, end = getattr(obj, "valid_from", None), obj.valid_until
    if start and end and start > end:
        outcome.add_error("valid_until", _("This date is before the start of validity."))
    touched = new or {"valid_until", "status"} & set(outcome.changes)
    if (
        touched
        and obj.status == LicenceStatus.VALID
        and end
        and end < timezone.localdate()
        and "valid_until" not in outcome.errors
    ):
        outcome.add_error(
            "valid_until",
            _(
                "This date has passed, so the licence cannot be valid: correct the date, or "
                "give the status “expired”."
            ),
        )


# --- the registers ------------------------------------------------------------------------


class Writer:
    """The rules of one register for many rows at a time."""

    name = ""
    model: type[models.Model]
    editable: list[str] = []

    # -- checking
    def prepare(
        self, actor: Any, rows: Sequence[Row], *, lock: bool = False, progress: Progress = None
    ) -> list[Outcome]:
        raise NotImplementedError

    # -- writing
    def region_of(self, obj: Any) -> str:
        raise NotImplementedError

    def derive(self, outcome: Outcome) -> None:
        """Values computed from the row's (pinyin initials, encrypted ID numbers)."""

    def make_ready(self, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.action in (CREATE, UPDATE) and not outcome.ready:
                self.derive(outcome)
                outcome.ready = True

    def before_create(self, actor: Any, outcomes: list[Outcome], now: dt.datetime) -> None:
        self.make_ready(outcomes)
        for outcome in outcomes:
            obj = outcome.obj
            obj.created_at = obj.updated_at = now

    def before_update(self, actor: Any, outcomes: list[Outcome], now: dt.datetime) -> None:
        self.make_ready(outcomes)
        for outcome in outcomes:
            outcome.obj.updated_at = now

    def update_fields(self, outcome: Outcome) -> set[str]:
        return {name.removesuffix("_uscc") for name in outcome.changes} | {"updated_at"}

    def after_write(self, actor: Any, created: list[Outcome], updated: list[Outcome]) -> None:
        """Links that need the new primary keys."""

    def timeline(
        self, actor: Any, created: list[Outcome], updated: list[Outcome]
    ) -> list[TimelineEvent]:
        return []

    def snapshot(self, outcome: Outcome) -> dict[str, Any]:
        """The new record's values for its first history entry."""
        raise NotImplementedError


class EnterpriseWriter(Writer):
    name = "enterprises"
    model = Enterprise
    editable = [
        "name",
        "kind",
        "legal_representative",
        "address",
        "region_code",
        "phone",
        "status",
        "risk_grade",
        "latitude",
        "longitude",
    ]
    required = ["uscc", "name", "kind", "legal_representative", "address", "region_code"]

    def prepare(self, actor, rows, *, lock=False, progress=None):
        outcomes = [
            Outcome(row=row, errors={k: list(v) for k, v in row.errors.items()}) for row in rows
        ]
        for outcome in outcomes:
            outcome.key = normalise_uscc(_text(outcome.row.values.get("uscc")))
        _mark_duplicates(outcomes, "uscc", lambda o: o.key)
        existing = _load(Enterprise.objects.all(), "uscc", (o.key for o in outcomes), lock=lock)
        hq_codes = {
            normalise_uscc(_text(o.row.values.get("headquarters_uscc"))) for o in outcomes
        } - {""}
        known = {**_load(Enterprise.objects.all(), "uscc", hq_codes - set(existing)), **existing}
        uscc_of = dict(
            Enterprise.objects.filter(
                pk__in={e.headquarters_id for e in existing.values() if e.headquarters_id}
            ).values_list("pk", "uscc")
        )
        created_keys = {o.key: o for o in outcomes if o.key and o.key not in existing}
        for index, outcome in enumerate(outcomes):
            self._prepare_one(
                actor, outcome, existing.get(outcome.key), known, created_keys, uscc_of
            )
            if progress and index % 500 == 0:
                progress(index, len(outcomes))
        # a store whose headquarters is created by this import needs that row to be valid
        for outcome in outcomes:
            target = created_keys.get(outcome.link)
            if outcome.link and (target is None or target.errors):
                outcome.add_error(
                    "headquarters_uscc",
                    _("The headquarters (row %(row)s) has errors and will not be created.")
                    % {"row": target.row.number if target else "?"},
                )
                _finish(outcome, None, new=outcome.action == CREATE)
        return outcomes

    def _prepare_one(self, actor, outcome, current, known, created_keys, uscc_of):
        values = outcome.row.values
        new = current is None
        if not outcome.key:
            outcome.add_error("uscc", _("Required for a new record."))
            _finish(outcome, None, new=True)
            return
        if new:
            obj = Enterprise(
                uscc=outcome.key,
                status=EnterpriseStatus.ACTIVE,
                verified_at=timezone.now(),
            )
            outcome.action = CREATE
            _require(outcome, values, self.required)
            _set_values(outcome, obj, values, self.editable)
            _clean(outcome, obj, ["uscc", *self.editable])
        else:
            obj = current
            if not _covers(actor, current.region_code):
                outcome.add_error(
                    "uscc",
                    _(
                        "An enterprise with this credit code is registered outside your "
                        "bureau's jurisdiction."
                    ),
                )
                _finish(outcome, None, new=False)
                return
            _set_values(outcome, obj, values, self.editable)
            _clean(outcome, obj, list(outcome.changes))
        moved = new or "region_code" in outcome.changes
        checked = obj.region_code and "region_code" not in outcome.errors
        if moved and checked and not _covers(actor, obj.region_code):
            outcome.add_error(
                "region_code", _("This division is outside your bureau's jurisdiction.")
            )
        self._legal_id(outcome, obj, current)
        self._headquarters(outcome, obj, current, known, created_keys, uscc_of)
        _finish(outcome, obj, new=new)

    @staticmethod
    def _legal_id(outcome, obj, current):
        value = outcome.row.values.get("legal_representative_id")
        if not given(value) or "legal_representative_id" in outcome.errors:
            return
        old = ""
        if current is not None and current.legal_representative_id_enc:
            try:
                old = current.legal_representative_id_number()
            except Exception:  # unreadable (another key): replace it
                old = ""
        if old and old == ric.compact(str(value)).upper():
            return  # the number the register holds (checked when it was stored)
        try:
            number = _resident_id(value)
        except ValidationError as error:
            for message in error.messages:
                outcome.add_error("legal_representative_id", message)
            return
        if old != number:
            outcome.secret = number
            if current is not None:
                outcome.changes["legal_representative_id"] = [
                    masking.mask_id_number(old) or None,
                    masking.mask_id_number(number),
                ]

    @staticmethod
    def _headquarters(outcome, obj, current, known, created_keys, uscc_of):
        value = outcome.row.values.get("headquarters_uscc")
        if not given(value) or "headquarters_uscc" in outcome.errors:
            return
        code = normalise_uscc(str(value))
        old = uscc_of.get(current.headquarters_id) if current is not None else None
        if code == outcome.key:
            outcome.add_error("headquarters_uscc", _("An enterprise is not its own headquarters."))
        elif code in known:
            if old != code:
                obj.headquarters_id = known[code].pk
                if current is not None:
                    outcome.changes["headquarters_uscc"] = [old, code]
        elif code in created_keys:
            outcome.link = code
            if current is not None:
                outcome.changes["headquarters_uscc"] = [old, code]
        else:
            outcome.add_error(
                "headquarters_uscc",
                _("No enterprise of the register or of this file has this credit code."),
            )

    def region_of(self, obj):
        return obj.region_code

    def derive(self, outcome):
        obj = outcome.obj
        if outcome.action == CREATE or "name" in outcome.changes:
            obj.name_initials = pinyin_initials(obj.name)
        if outcome.secret:
            obj.legal_representative_id_enc = crypto.sm4_encrypt(
                outcome.secret, context=obj.uscc.encode()
            )

    def before_create(self, actor, outcomes, now):
        super().before_create(actor, outcomes, now)
        for outcome in outcomes:
            outcome.obj.verified_at = now

    def update_fields(self, outcome):
        fields = {
            {"legal_representative_id": "legal_representative_id_enc"}.get(name, name)
            for name in outcome.changes
        }
        fields = {"headquarters" if f == "headquarters_uscc" else f for f in fields}
        if "name" in fields:
            fields.add("name_initials")
        return fields | {"updated_at"}

    def after_write(self, actor, created, updated):
        linked = [o for o in created + updated if o.link]
        if not linked:
            return
        ids = dict(
            Enterprise.objects.filter(uscc__in={o.link for o in linked}).values_list("uscc", "pk")
        )
        for outcome in linked:
            outcome.obj.headquarters_id = ids[outcome.link]
        Enterprise.objects.bulk_update([o.obj for o in linked], ["headquarters"], batch_size=BATCH)

    def snapshot(self, outcome):
        obj = outcome.obj
        values = {"uscc": obj.uscc, **{n: _display(getattr(obj, n)) for n in self.editable}}
        if outcome.secret:
            values["legal_representative_id"] = masking.mask_id_number(outcome.secret)
        hq = outcome.link or outcome.row.values.get("headquarters_uscc")
        if hq:
            values["headquarters_uscc"] = normalise_uscc(str(hq))
        return {k: v for k, v in values.items() if v not in (None, "")}

    def timeline(self, actor, created, updated):
        # the same words on every file: rendered in each language once, not once per row
        title = each_language(
            lambda: (
                _("Imported into the register by %(bureau)s") % {"bureau": actor.organisation_label}
            )
        )
        return [
            _event(
                TimelineKind.REGISTRATION,
                title,
                enterprise=o.obj,
                obj=o.obj,
                source="datacenter",
            )
            for o in created
        ]


class LicenceWriter(Writer):
    name = "licences"
    model = Licence
    editable = licence_rules.EDITABLE_FIELDS
    required = ["number", "kind", "holder_uscc"]

    def prepare(self, actor, rows, *, lock=False, progress=None):
        outcomes = [
            Outcome(row=row, errors={k: list(v) for k, v in row.errors.items()}) for row in rows
        ]
        for outcome in outcomes:
            values = outcome.row.values
            number, kind = _text(values.get("number")), _text(values.get("kind"))
            outcome.key = formats.normalise(number)
            if number and kind and "kind" not in outcome.errors:
                try:
                    outcome.key = licence_rules.validate_number(kind, number)
                except ValidationError as error:
                    for message in error.messages:
                        outcome.add_error("number", message)
        _mark_duplicates(outcomes, "number", lambda o: o.key)
        existing = _load(
            Licence.objects.select_related("holder"), "number", (o.key for o in outcomes), lock=lock
        )
        holders = _load(
            Enterprise.objects.all(),
            "uscc",
            (normalise_uscc(_text(o.row.values.get("holder_uscc"))) for o in outcomes),
        )
        today = timezone.localdate()
        for index, outcome in enumerate(outcomes):
            self._prepare_one(actor, outcome, existing.get(outcome.key), holders, today)
            if progress and index % 500 == 0:
                progress(index, len(outcomes))
        return outcomes

    def _prepare_one(self, actor, outcome, current, holders, today):
        values = outcome.row.values
        if not outcome.key:
            outcome.add_error("number", _("Required for a new record."))
            _finish(outcome, None, new=True)
            return
        holder = _enterprise_ref(outcome, actor, "holder_uscc", holders)
        new = current is None
        if new:
            outcome.action = CREATE
            _require(outcome, values, self.required)
            obj = Licence(
                number=outcome.key,
                kind=_text(values.get("kind")),
                holder=holder,
                status=LicenceStatus.VALID,
                issuing_bureau=getattr(actor, "bureau", None),
            )
            _set_values(outcome, obj, values, self.editable)
            _clean(outcome, obj, ["kind", "number", *self.editable])
            if holder is not None and "kind" not in outcome.errors:
                for message in licence_rules.holder_errors(obj.kind, holder):
                    outcome.add_error("holder_uscc", message)
        else:
            obj = current
            if not _covers(actor, current.holder.region_code):
                outcome.add_error(
                    "number",
                    _("This licence is held by an enterprise outside your bureau's jurisdiction."),
                )
                _finish(outcome, None, new=False)
                return
            kind = values.get("kind")
            if given(kind) and "kind" not in outcome.errors and kind != current.kind:
                outcome.add_error(
                    "kind",
                    _("This licence is a %(kind)s; its type cannot change.")
                    % {"kind": current.get_kind_display()},
                )
            if holder is not None and holder.pk != current.holder_id:
                outcome.add_error(
                    "holder_uscc",
                    _(
                        "This licence is held by %(name)s (%(uscc)s); a licence never changes holder."
                    )
                    % {"name": current.holder.name, "uscc": current.holder.uscc},
                )
            _set_values(outcome, obj, values, self.editable)
            _clean(outcome, obj, list(outcome.changes))
        _date_rules(outcome, obj, new=new)
        _finish(outcome, obj, new=new)

    def region_of(self, obj):
        return obj.holder.region_code

    def snapshot(self, outcome):
        obj = outcome.obj
        values = {
            "number": obj.number,
            "kind": obj.kind,
            "holder_uscc": obj.holder.uscc,
            **{n: _display(getattr(obj, n)) for n in self.editable},
        }
        return {k: v for k, v in values.items() if v not in (None, "")}

    def timeline(self, actor, created, updated):
        events = []
        for outcome in created:
            licence = outcome.obj
            events.append(
                _event(
                    TimelineKind.LICENCE,
                    lambda licence=licence: (
                        _("%(licence)s %(number)s entered, valid until %(until)s")
                        % {
                            "licence": licence.get_kind_display(),
                            "number": licence.number,
                            "until": licence.valid_until or "—",
                        }
                    ),
                    enterprise=licence.holder,
                    obj=licence,
                    source="datacenter",
                )
            )
        for outcome in updated:
            if "status" not in outcome.changes:
                continue
            licence = outcome.obj
            old = outcome.changes["status"][0]
            events.append(
                _event(
                    TimelineKind.LICENCE,
                    lambda licence=licence, old=old: (
                        _("%(licence)s %(number)s: %(old)s → %(new)s")
                        % {
                            "licence": licence.get_kind_display(),
                            "number": licence.number,
                            "old": LicenceStatus(old).label if old in LicenceStatus.values else old,
                            "new": licence.get_status_display(),
                        }
                    ),
                    enterprise=licence.holder,
                    severity=(
                        Severity.INFO if licence.status == LicenceStatus.VALID else Severity.WARNING
                    ),
                    source="datacenter",
                )
            )
        return events


class ProductWriter(Writer):
    name = "products"
    model = Product
    editable = [
        name for name in product_rules.EDITABLE_FIELDS if name not in ("holder", "manufacturer")
    ]
    required = ["kind", "name"]
    unique_codes = ("trace_product_code", "national_drug_code", "udi_di")

    def prepare(self, actor, rows, *, lock=False, progress=None):
        outcomes = [
            Outcome(row=row, errors={k: list(v) for k, v in row.errors.items()}) for row in rows
        ]
        refs = {
            normalise_uscc(_text(o.row.values.get(name)))
            for o in outcomes
            for name in ("holder_uscc", "manufacturer_uscc")
        }
        enterprises = _load(Enterprise.objects.all(), "uscc", refs)
        drafts: list[tuple[Product, dict[str, list[str]]]] = []
        for outcome in outcomes:
            draft = Product(kind=_text(outcome.row.values.get("kind")), status=ProductStatus.VALID)
            holder = _enterprise_ref(outcome, actor, "holder_uscc", enterprises)
            manufacturer = _enterprise_ref(outcome, actor, "manufacturer_uscc", enterprises)
            draft.holder, draft.manufacturer = holder, manufacturer
            _set_values(outcome, draft, outcome.row.values, self.editable)
            outcome.changes = {}
            rule_errors = product_rules.product_errors(draft) if draft.kind else {}
            drafts.append((draft, rule_errors))
            outcome.key = self._key(draft)
        _mark_duplicates(outcomes, "approval_number", lambda o: o.key if o.key[0] == "no" else None)
        _mark_duplicates(outcomes, "name", lambda o: o.key if o.key[0] == "tcm" else None)
        for code in self.unique_codes:
            self._mark_code_duplicates(outcomes, drafts, code)
        by_number = _load(
            Product.objects.select_related("holder", "manufacturer"),
            "approval_number",
            (d.approval_number for d, _e in drafts),
            lock=lock,
        )
        by_piece = self._load_pieces([d for d, _e in drafts], lock=lock)
        code_owners = {
            code: _load(
                Product.objects.only("pk", "name", code),
                code,
                (getattr(d, code) for d, _e in drafts),
            )
            for code in self.unique_codes
        }
        for index, (outcome, (draft, rule_errors)) in enumerate(zip(outcomes, drafts, strict=True)):
            current = self._current(outcome, draft, by_number, by_piece)
            self._prepare_one(actor, outcome, draft, rule_errors, current, code_owners)
            if progress and index % 500 == 0:
                progress(index, len(outcomes))
        return outcomes

    @staticmethod
    def _mark_code_duplicates(outcomes, drafts, code):
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for outcome, (draft, _e) in zip(outcomes, drafts, strict=True):
            value = getattr(draft, code)
            if value:
                groups[value].append(outcome)
        for group in groups.values():
            if len(group) > 1:
                numbers = ", ".join(str(o.row.number) for o in group)
                for outcome in group:
                    outcome.add_error(
                        code,
                        _("Appears more than once in this file (rows %(rows)s): keep one row.")
                        % {"rows": numbers},
                    )

    @staticmethod
    def _key(draft: Product) -> tuple:
        if draft.approval_number:
            return ("no", draft.approval_number)
        if draft.kind == ProductKind.TCM_PIECE and draft.name:
            holder = draft.holder_id or (draft.holder_name or "").strip()
            return ("tcm", draft.name.strip(), holder, (draft.standard or "").strip())
        return ("",)

    @staticmethod
    def _piece_key(product: Product) -> tuple:
        holder = product.holder_id or (product.holder_name or "").strip()
        return ("tcm", product.name.strip(), holder, (product.standard or "").strip())

    def _load_pieces(self, drafts, *, lock):
        names = sorted(
            {
                d.name.strip()
                for d in drafts
                if d.kind == ProductKind.TCM_PIECE and d.name and not d.approval_number
            }
        )
        queryset = Product.objects.select_related("holder", "manufacturer").filter(
            kind=ProductKind.TCM_PIECE, approval_number__isnull=True
        )
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        pieces: dict[tuple, list[Product]] = defaultdict(list)
        for chunk in _chunks(names):
            for product in queryset.filter(name__in=chunk):
                pieces[self._piece_key(product)].append(product)
        return pieces

    @staticmethod
    def _current(outcome, draft, by_number, by_piece):
        if outcome.key[0] == "no":
            return by_number.get(draft.approval_number)
        if outcome.key[0] == "tcm":
            matches = by_piece.get(outcome.key, [])
            if len(matches) > 1:
                outcome.add_error(
                    "name",
                    _(
                        "Several decoction pieces of the register have this name, holder and "
                        "standard: correct the register first."
                    ),
                )
                return None
            return matches[0] if matches else None
        return None

    def _prepare_one(self, actor, outcome, draft, rule_errors, current, code_owners):
        values = outcome.row.values
        new = current is None
        if new:
            outcome.action = CREATE
            _require(outcome, values, self.required)
            obj = draft
            obj.name = (obj.name or "").strip()
            for name, messages in rule_errors.items():
                name = "holder_uscc" if name == "holder" else name
                if name not in outcome.errors:
                    for message in messages:
                        outcome.add_error(name, message)
            _clean(outcome, obj, ["kind", *self.editable])
        else:
            obj = current
            kind = values.get("kind")
            if given(kind) and "kind" not in outcome.errors and kind != current.kind:
                outcome.add_error(
                    "kind",
                    _("This product is a %(kind)s; its type cannot change.")
                    % {"kind": current.get_kind_display()},
                )
                _finish(outcome, None, new=False)
                return
            # the normalised values of the draft, on the record
            normalised = {n: getattr(draft, n) for n in self.editable if given(values.get(n))}
            _set_values(outcome, obj, normalised, self.editable)
            for name, new_ref in (("holder", draft.holder), ("manufacturer", draft.manufacturer)):
                if new_ref is not None and getattr(obj, f"{name}_id") != new_ref.pk:
                    old = getattr(obj, name)
                    outcome.changes[f"{name}_uscc"] = [old.uscc if old else None, new_ref.uscc]
                    setattr(obj, name, new_ref)
            if outcome.changes:
                obj.name = obj.name.strip()
                for name, messages in product_rules.product_errors(obj).items():
                    for message in messages:
                        outcome.add_error("holder_uscc" if name == "holder" else name, message)
                _clean(outcome, obj, [n for n in outcome.changes if not n.endswith("_uscc")])
        for code in self.unique_codes:
            owner = code_owners[code].get(getattr(obj, code))
            if owner is not None and owner.pk != obj.pk:
                outcome.add_error(
                    code,
                    _("Already given to another product of the register: %(name)s.")
                    % {"name": owner.name},
                )
        _finish(outcome, obj, new=new)

    def region_of(self, obj):
        return None  # the catalogue is province-wide; linked enterprises are checked instead

    def derive(self, outcome):
        if outcome.action == CREATE or "name" in outcome.changes:
            outcome.obj.name_initials = pinyin_initials(outcome.obj.name)

    def update_fields(self, outcome):
        fields = super().update_fields(outcome)
        if "name" in fields:
            fields.add("name_initials")
        return fields

    def snapshot(self, outcome):
        obj = outcome.obj
        values = {"kind": obj.kind, **{n: _display(getattr(obj, n)) for n in self.editable}}
        values["holder_uscc"] = obj.holder.uscc if obj.holder_id else None
        values["manufacturer_uscc"] = obj.manufacturer.uscc if obj.manufacturer_id else None
        return {k: v for k, v in values.items() if v not in (None, "")}

    def timeline(self, actor, created, updated):
        events = []
        for outcome in created:
            product = outcome.obj
            for enterprise, role in (
                (product.holder, gettext_lazy("holder")),
                (product.manufacturer, gettext_lazy("manufacturer")),
            ):
                if enterprise is not None:
                    events.append(
                        _event(
                            TimelineKind.PRODUCT,
                            lambda product=product, role=role: (
                                _("%(product)s (%(number)s) registered, as %(role)s")
                                % {
                                    "product": product,
                                    "number": product.approval_number or "—",
                                    "role": role,
                                }
                            ),
                            enterprise=enterprise,
                            product=product,
                            obj=product,
                            source="datacenter",
                        )
                    )
        return events


class PersonWriter(Writer):
    name = "people"
    model = Person
    editable = [n for n in people_rules.EDITABLE_FIELDS if n != "enterprise"]
    required = ["role", "name", "enterprise_uscc"]

    def prepare(self, actor, rows, *, lock=False, progress=None):
        outcomes = [
            Outcome(row=row, errors={k: list(v) for k, v in row.errors.items()}) for row in rows
        ]
        enterprises = _load(
            Enterprise.objects.all(),
            "uscc",
            (normalise_uscc(_text(o.row.values.get("enterprise_uscc"))) for o in outcomes),
        )
        for outcome in outcomes:
            values = outcome.row.values
            values["certificate_number"] = formats.normalise(
                _text(values.get("certificate_number"))
            )
            enterprise = enterprises.get(normalise_uscc(_text(values.get("enterprise_uscc"))))
            role, name = _text(values.get("role")), _text(values.get("name"))
            if role == PersonRole.LICENSED_PHARMACIST:
                outcome.key = (
                    ("cert", values["certificate_number"]) if values["certificate_number"] else None
                )
            elif role and name and enterprise is not None:
                outcome.key = ("person", enterprise.pk, name, role)
        _mark_duplicates(
            outcomes, "certificate_number", lambda o: o.row.values["certificate_number"] or None
        )
        _mark_duplicates(
            outcomes, "name", lambda o: o.key if o.key and o.key[0] == "person" else None
        )
        certificates = {o.row.values["certificate_number"] for o in outcomes} - {""}
        by_certificate = _load(
            Person.objects.select_related("enterprise"),
            "certificate_number",
            certificates,
            lock=lock,
        )
        by_person: dict[tuple, list[Person]] = defaultdict(list)
        enterprise_ids = sorted({o.key[1] for o in outcomes if o.key and o.key[0] == "person"})
        queryset = Person.objects.select_related("enterprise")
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        for chunk in _chunks(enterprise_ids):
            for person in queryset.filter(enterprise_id__in=chunk):
                by_person[("person", person.enterprise_id, person.name, person.role)].append(person)
        for index, outcome in enumerate(outcomes):
            current = None
            if outcome.key and outcome.key[0] == "cert":
                current = by_certificate.get(outcome.key[1])
            elif outcome.key:
                matches = by_person.get(outcome.key, [])
                if len(matches) > 1:
                    outcome.add_error(
                        "name",
                        _(
                            "Several people of this enterprise have this name and role: correct the register first."
                        ),
                    )
                current = matches[0] if len(matches) == 1 else None
            self._prepare_one(actor, outcome, current, enterprises, by_certificate)
            if progress and index % 500 == 0:
                progress(index, len(outcomes))
        return outcomes

    def _prepare_one(self, actor, outcome, current, enterprises, by_certificate):
        values = outcome.row.values
        enterprise = _enterprise_ref(outcome, actor, "enterprise_uscc", enterprises)
        new = current is None
        if new:
            outcome.action = CREATE
            _require(outcome, values, self.required)
            obj = Person(
                role=_text(values.get("role")), enterprise=enterprise, status=PersonStatus.ACTIVE
            )
            _set_values(outcome, obj, values, self.editable)
            _clean(outcome, obj, ["role", *self.editable])
        else:
            obj = current
            if not _covers(actor, current.enterprise.region_code):
                outcome.add_error(
                    "certificate_number" if outcome.key[0] == "cert" else "name",
                    _("This person works for an enterprise outside your bureau's jurisdiction."),
                )
                _finish(outcome, None, new=False)
                return
            role = values.get("role")
            if given(role) and "role" not in outcome.errors and role != current.role:
                outcome.add_error(
                    "role",
                    _("This person is registered as %(role)s; the role cannot change here.")
                    % {"role": current.get_role_display()},
                )
            _set_values(outcome, obj, values, self.editable)
            if enterprise is not None and enterprise.pk != current.enterprise_id:
                outcome.changes["enterprise_uscc"] = [current.enterprise.uscc, enterprise.uscc]
                obj.enterprise = enterprise
            _clean(outcome, obj, [n for n in outcome.changes if not n.endswith("_uscc")])
        self._id_number(outcome, obj, current)
        for name, messages in people_rules.person_errors(obj).items():
            if name not in outcome.errors:
                for message in messages:
                    outcome.add_error(name, message)
        owner = by_certificate.get(obj.certificate_number) if obj.certificate_number else None
        if owner is not None and owner.pk != obj.pk:
            outcome.add_error(
                "certificate_number",
                _("This certificate number is already registered to %(name)s.")
                % {"name": masking.mask_name(owner.name)},
            )
        _finish(outcome, obj, new=new)

    @staticmethod
    def _id_number(outcome, obj, current):
        value = outcome.row.values.get("id_number")
        if not given(value) or "id_number" in outcome.errors:
            return
        stored = current.id_number_hash if current is not None else ""
        if stored and stored == people_rules.id_number_hash(ric.compact(str(value)).upper()):
            return  # the number the register holds (checked when it was stored)
        try:
            number = _resident_id(value)
        except ValidationError as error:
            for message in error.messages:
                outcome.add_error("id_number", message)
            return
        digest = people_rules.id_number_hash(number)
        if current is not None and current.id_number_hash == digest:
            return
        if current is not None:
            outcome.changes["id_number"] = [
                current.id_number_masked or None,
                masking.mask_id_number(number),
            ]
        outcome.secret = number
        obj.id_number_hash = digest

    def region_of(self, obj):
        return obj.enterprise.region_code

    def derive(self, outcome):
        if outcome.secret:
            obj = outcome.obj
            obj.id_number_enc = crypto.sm4_encrypt(
                outcome.secret, context=f"person:{obj.id_number_hash}".encode()
            )

    def update_fields(self, outcome):
        fields = super().update_fields(outcome)
        if "id_number" in fields:
            fields -= {"id_number"}
            fields |= {"id_number_enc", "id_number_hash"}
        return fields

    def snapshot(self, outcome):
        obj = outcome.obj
        values = {
            "role": obj.role,
            "enterprise_uscc": obj.enterprise.uscc,
            **{n: _display(getattr(obj, n)) for n in self.editable},
        }
        if outcome.secret:
            values["id_number"] = masking.mask_id_number(outcome.secret)
        return {k: v for k, v in values.items() if v not in (None, "")}

    def timeline(self, actor, created, updated):
        events = [
            _event(
                TimelineKind.PERSON,
                lambda person=o.obj: (
                    _("%(role)s %(name)s registered")
                    % {"role": person.get_role_display(), "name": person.name}
                ),
                enterprise=o.obj.enterprise,
                obj=o.obj,
                source="datacenter",
            )
            for o in created
        ]
        for outcome in updated:
            status = outcome.changes.get("status")
            if status and status[1] == PersonStatus.LEFT:
                events.append(
                    _event(
                        TimelineKind.PERSON,
                        lambda person=outcome.obj: (
                            _("%(role)s %(name)s left")
                            % {"role": person.get_role_display(), "name": person.name}
                        ),
                        enterprise=outcome.obj.enterprise,
                        source="datacenter",
                    )
                )
        return events


_TITLE_LENGTH = TimelineEvent._meta.get_field("title").max_length


def _event(
    kind: str,
    title: Text,
    *,
    source: str,
    enterprise: Enterprise | None = None,
    product: Product | None = None,
    obj: Any = None,
    severity: str = Severity.INFO,
) -> TimelineEvent:
    """A timeline event as `timeline_post` writes it (built here to be written in bulk):
    its title in every language (see core/texts.py)."""
    title, title_i18n = for_storage(title, limit=_TITLE_LENGTH)
    return TimelineEvent(
        source=source,
        kind=kind,
        title=title,
        title_i18n=title_i18n,
        enterprise=enterprise,
        product=product,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        severity=severity,
        region_code=enterprise.region_code if enterprise is not None else "",
    )


def _once(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """One event per fact, as `timeline_post` keeps it (a holder that is its own manufacturer)."""
    seen: set[tuple] = set()
    unique = []
    for event in events:
        key = (
            event.kind,
            event.object_type,
            event.object_id,
            event.enterprise_id,
            event.product_id,
        )
        if event.object_id and key in seen:
            continue
        seen.add(key)
        unique.append(event)
    return unique


WRITERS: dict[str, Writer] = {
    w.name: w for w in (EnterpriseWriter(), LicenceWriter(), ProductWriter(), PersonWriter())
}


# --- the two steps ---------------------------------------------------------------------------


def prepare(
    register: str,
    actor: Any,
    rows: Sequence[Row],
    *,
    lock: bool = False,
    formats_checked: bool = False,
    progress: Progress = None,
) -> list[Outcome]:
    """Check `rows` and say what each would do; reads only (locks the matches if `lock`).

    `formats_checked`: the rows are the same values that an earlier `prepare` found valid
    (a preview, then its commit). The checks that depend on nothing but the values (formats,
    lengths, check characters) are not repeated; everything that depends on the register,
    the actor's jurisdiction or the date is.
    """
    token = _formats_checked.set(formats_checked)
    try:
        return WRITERS[register].prepare(actor, rows, lock=lock, progress=progress)
    finally:
        _formats_checked.reset(token)


def fingerprint(register: str) -> tuple:
    """The state of the tables a register's rows are checked against, in two small queries.

    Every write through the services stamps `updated_at`; a create or a deletion changes the
    count. Equal fingerprints before a check and at its commit mean that the check still holds,
    so the commit need not check again while it holds the write lock.
    """
    tables = sorted({WRITERS[register].model, Enterprise}, key=lambda m: m._meta.label)
    return tuple(
        (m._meta.label, *m.objects.aggregate(n=Count("pk"), last=Max("updated_at")).values())
        for m in tables
    )


def make_ready(register: str, outcomes: Sequence[Outcome]) -> None:
    """Compute what the writes derive from the rows (pinyin, encryption) ahead of `apply`,
    outside its transaction."""
    WRITERS[register].make_ready(outcomes)


def apply(
    register: str,
    actor: Any,
    outcomes: Sequence[Outcome],
    *,
    note: str = "",
    audit_object: models.Model | None = None,
    progress: Progress = None,
) -> Counts:
    """Write the creates and updates among `outcomes` (rows with errors are skipped).

    One transaction; one ChangeRecord per written record; timeline events; ONE audit entry
    (action `registry.<register>.import`) with the counts. Raises PermissionDenied without a
    registry role, or for an outcome outside the actor's jurisdiction.
    """
    writer = WRITERS[register]
    action = f"registry.{register}.import"
    require_registry_role(actor, action)
    created = [o for o in outcomes if o.action == CREATE]
    updated = [o for o in outcomes if o.action == UPDATE]
    counts = Counts(
        created=len(created),
        updated=len(updated),
        unchanged=sum(1 for o in outcomes if o.action == UNCHANGED),
        skipped=sum(1 for o in outcomes if o.action == ERROR),
    )
    for outcome in created + updated:
        region = writer.region_of(outcome.obj)
        if region is not None and not _covers(actor, region):
            raise PermissionDenied(_("This division is outside your bureau's jurisdiction."))
    total = len(created) + len(updated)
    done = 0
    now = timezone.now()
    with transaction.atomic():
        writer.before_create(actor, created, now)
        for batch in _chunks(created, BATCH):
            writer.model.objects.bulk_create([o.obj for o in batch], batch_size=BATCH)
            done += len(batch)
            if progress:
                progress(done, total)
        writer.before_update(actor, updated, now)
        by_fields: dict[tuple[str, ...], list[Outcome]] = defaultdict(list)
        for outcome in updated:
            by_fields[tuple(sorted(writer.update_fields(outcome)))].append(outcome)
        for fields, group in by_fields.items():
            for batch in _chunks(group, BATCH):
                writer.model.objects.bulk_update(
                    [o.obj for o in batch], list(fields), batch_size=BATCH
                )
                done += len(batch)
                if progress:
                    progress(done, total)
        writer.after_write(actor, created, updated)
        _history(writer, actor, created, updated, note=note, at=now)
        TimelineEvent.objects.bulk_create(
            _once(writer.timeline(actor, created, updated)), batch_size=BATCH
        )
        audit.record(
            actor=actor,
            action=action,
            obj=audit_object,
            changes=counts.as_dict(),
            detail=note,
        )
    return counts


def _history(writer, actor, created, updated, *, note: str, at: dt.datetime) -> None:
    person = actor if getattr(actor, "pk", None) and hasattr(actor, "_meta") else None
    name = (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else ""
    object_type = writer.model._meta.label_lower
    records = []
    for outcome in created:
        records.append((outcome, {"after": writer.snapshot(outcome)}))
    for outcome in updated:
        records.append(
            (
                outcome,
                {
                    "before": {k: v[0] for k, v in outcome.changes.items()},
                    "after": {k: v[1] for k, v in outcome.changes.items()},
                },
            )
        )
    ChangeRecord.objects.bulk_create(
        (
            ChangeRecord(
                object_type=object_type,
                object_id=str(outcome.obj.pk),
                action="imported",
                changes=audit.jsonable(changes),
                actor=person,
                actor_name=name,
                at=at,
                note=(f"{note}, " + _("row %(row)s") % {"row": outcome.row.number})[:300]
                if note
                else "",
            )
            for outcome, changes in records
        ),
        batch_size=BATCH,
    )


__all__ = [
    "ACTIONS",
    "CREATE",
    "ERROR",
    "UNCHANGED",
    "UPDATE",
    "WRITERS",
    "Counts",
    "Outcome",
    "Row",
    "apply",
    "prepare",
]
