"""Writes on the registers. Other apps import from here only."""

from yaojian.registry.services.enterprises import (
    enterprise_create,
    enterprise_create_unverified,
    enterprise_update,
    enterprise_verify,
)
from yaojian.registry.services.licences import licence_create, licence_set_status, licence_update
from yaojian.registry.services.people import person_create, person_update
from yaojian.registry.services.products import product_create, product_update
from yaojian.registry.services.timeline import timeline_post

__all__ = [
    "enterprise_create",
    "enterprise_create_unverified",
    "enterprise_update",
    "enterprise_verify",
    "licence_create",
    "licence_set_status",
    "licence_update",
    "person_create",
    "person_update",
    "product_create",
    "product_update",
    "timeline_post",
]
