"""Writes on the people register: licensed pharmacists and quality managers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yaojian.audit import services as audit
from yaojian.core import crypto
from yaojian.core.scoping import get_visible
from yaojian.core.validators import validate_resident_id
from yaojian.registry.choices import PersonRole, PersonStatus, TimelineKind
from yaojian.registry.models import Enterprise, Person
from yaojian.registry.services.common import require_registry_role, save_changes, save_new
from yaojian.registry.services.timeline import timeline_post

EDITABLE_FIELDS = [
    "name",
    "certificate_number",
    "category",
    "enterprise",
    "registered_until",
    "status",
]


def id_number_hash(number: str) -> str:
    return crypto.hmac_sm3(crypto.field_key(), number.encode())


def _set_id_number(person: Person, number: str) -> dict[str, list[str]]:
    if not number:
        return {}
    try:
        number = validate_resident_id(number)
    except ValidationError as error:
        return {"id_number": error.messages}
    store_id_number(person, number)
    return {}


def store_id_number(person: Person, number: str) -> None:
    """Keep a valid ID number encrypted, with a keyed hash that finds the same person again."""
    person.id_number_hash = id_number_hash(number)
    person.id_number_enc = crypto.sm4_encrypt(
        number, context=f"person:{person.id_number_hash}".encode()
    )


def person_errors(person: Person) -> dict[str, list[str]]:
    # one certificate, one spelling: "zy0036 0001" and "ZY00360001" are the same number
    person.certificate_number = "".join((person.certificate_number or "").split()).upper()
    errors: dict[str, list[str]] = {}
    if person.role == PersonRole.LICENSED_PHARMACIST:
        if not person.certificate_number:
            errors["certificate_number"] = [
                _("A licensed pharmacist has a registration certificate number.")
            ]
        if not person.category:
            errors["category"] = [_("Give the pharmacist's category (药学, 中药学 or both).")]
    return errors


@audit.audited("registry.person.create")
def person_create(*, actor: Any, enterprise_id: int, id_number: str = "", **fields: Any) -> Person:
    require_registry_role(actor, "registry.person.create")
    enterprise = get_visible(Enterprise.objects.all(), actor, pk=enterprise_id)
    person = Person(enterprise=enterprise, **fields)
    errors = {**_set_id_number(person, id_number), **person_errors(person)}
    save_new(
        person,
        actor=actor,
        action="registry.person.create",
        fields=["role", *EDITABLE_FIELDS],
        extra_errors=errors,
    )
    timeline_post(
        source="registry",
        kind=TimelineKind.PERSON,
        enterprise=enterprise,
        obj=person,
        title=lambda: (
            _("%(role)s %(name)s registered")
            % {"role": person.get_role_display(), "name": person.name}
        ),
    )
    return person


@audit.audited("registry.person.update")
def person_update(
    *, actor: Any, person_id: int, id_number: str = "", note: str = "", **changes: Any
) -> Person:
    require_registry_role(actor, "registry.person.update")
    person = get_visible(Person.objects.select_related("enterprise"), actor, pk=person_id)
    old_status, old_enterprise = person.status, person.enterprise
    errors = _set_id_number(person, id_number)
    save_changes(
        person,
        actor=actor,
        action="registry.person.update",
        changes=changes,
        editable=EDITABLE_FIELDS,
        note=note,
        prepare=person_errors,
        extra_errors=errors,
    )
    if person.status == PersonStatus.LEFT and old_status != PersonStatus.LEFT:
        timeline_post(
            source="registry",
            kind=TimelineKind.PERSON,
            enterprise=old_enterprise,
            title=lambda: (
                _("%(role)s %(name)s left")
                % {"role": person.get_role_display(), "name": person.name}
            ),
        )
    return person
