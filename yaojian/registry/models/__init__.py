"""The registers (master data) that every module links to."""

from yaojian.registry.models.enterprise import Enterprise
from yaojian.registry.models.history import ChangeRecord
from yaojian.registry.models.licence import Licence
from yaojian.registry.models.person import Person
from yaojian.registry.models.product import Product
from yaojian.registry.models.timeline import TimelineEvent

__all__ = ["ChangeRecord", "Enterprise", "Licence", "Person", "Product", "TimelineEvent"]
