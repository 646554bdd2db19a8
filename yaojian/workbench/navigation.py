"""The work portal's sidebar: one list that modules add their entries to.

An entry without a URL name is a module that is not enabled on this platform yet; it is
shown greyed out so that regulators see the whole platform's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from yaojian.accounts.choices import Role


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    icon: str
    url_name: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every regulator


@dataclass(frozen=True)
class NavSection:
    label: str
    items: tuple[NavItem, ...]


SECTIONS: list[NavSection] = [
    NavSection(
        _("Work"),
        (
            NavItem("home", _("Home"), "bi-speedometer2", "workbench:home"),
            NavItem("todos", _("To-dos"), "bi-check2-square", "workbench:todos"),
            NavItem("messages", _("Messages"), "bi-bell", "workbench:messages"),
        ),
    ),
    NavSection(
        _("Data centre"),
        (
            NavItem("search", _("Search the registers"), "bi-search", "registry:search"),
            NavItem("enterprises", _("Enterprises"), "bi-buildings", "registry:enterprise_list"),
            NavItem("licences", _("Licences"), "bi-file-earmark-text", "registry:licence_list"),
            NavItem("products", _("Products"), "bi-capsule", "registry:product_list"),
            NavItem("people", _("Pharmacists"), "bi-person-badge", "registry:person_list"),
            NavItem("imports", _("Bulk import"), "bi-upload", "datacenter:import_list"),
            NavItem("quality", _("Data quality"), "bi-clipboard-data", "datacenter:quality"),
        ),
    ),
    NavSection(
        _("Applications"),
        (
            NavItem(
                "licensing", _("Licensing"), "bi-file-earmark-check", "licensing:application_list"
            ),
            NavItem("inspection", _("Inspections"), "bi-clipboard-check", "inspection:overview"),
            NavItem("sampling", _("Sampling"), "bi-eyedropper", "sampling:overview"),
            NavItem("enforcement", _("Penalty cases"), "bi-hammer", "enforcement:case_list"),
            NavItem("trace", _("Traceability"), "bi-upc-scan", "trace:overview"),
            NavItem("complaints", _("Complaints"), "bi-chat-square-text"),
            NavItem("risk", _("Credit and risk"), "bi-graph-up-arrow"),
            NavItem("vigilance", _("Adverse reactions"), "bi-heart-pulse", "vigilance:overview"),
            NavItem("online", _("Online sales"), "bi-globe2"),
        ),
    ),
    NavSection(
        _("Administration"),
        (
            NavItem(
                "users",
                _("Accounts and roles"),
                "bi-people",
                "accounts:users",
                frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
            ),
            NavItem(
                "audit",
                _("Audit log"),
                "bi-journal-text",
                "audit:log",
                frozenset({Role.AUDIT_ADMIN}),
            ),
            NavItem(
                "holidays",
                _("Holidays and working days"),
                "bi-calendar-week",
                "core:holidays",
                frozenset({Role.SYSTEM_ADMIN}),
            ),
        ),
    ),
]


def sections_for(user) -> list[NavSection]:
    visible = []
    for section in SECTIONS:
        items = tuple(
            item for item in section.items if not item.roles or user.has_role(*item.roles)
        )
        if items:
            visible.append(NavSection(section.label, items))
    return visible
