from django.contrib import admin

from yaojian.enforcement.models import Case, CaseEvent, CaseSource, Evidence


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor_name", "at", "note"]
    fields = readonly_fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the services (audited, with history)."""

    list_display = [
        "number",
        "title",
        "enterprise",
        "bureau",
        "status",
        "deadline",
        "decision_number",
    ]
    list_filter = ["status", "source_kind", "publication_state"]
    search_fields = ["number", "decision_number", "title", "enterprise__name"]
    list_select_related = ["enterprise", "bureau"]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseSource)
class CaseSourceAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "kind", "status", "found_on", "decide_by"]
    list_filter = ["status", "kind"]
    list_select_related = ["enterprise"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "title", "collected_on", "sm3"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
