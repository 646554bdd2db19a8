from django.contrib import admin

from yaojian.inspection.models import (
    Checklist,
    ChecklistItem,
    Finding,
    Inspection,
    InspectionEvent,
    InspectionResult,
    Rectification,
)


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name", "active", "updated_at"]
    list_filter = ["kind", "active"]
    inlines = [ItemInline]


class ResultInline(admin.TabularInline):
    model = InspectionResult
    extra = 0
    readonly_fields = ["item", "result", "note"]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    readonly_fields = ["item", "grade", "rule", "note"]


class EventInline(admin.TabularInline):
    model = InspectionEvent
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "actor_name", "at", "note"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the services (workflow, audit, file)."""

    list_display = ["number", "enterprise", "kind", "status", "outcome", "due_date"]
    list_filter = ["status", "kind", "origin", "outcome"]
    search_fields = ["number", "enterprise__name", "enterprise__uscc"]
    inlines = [ResultInline, FindingInline, EventInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ["inspection", "submitted_at", "on_time", "decision"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
