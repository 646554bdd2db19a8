from django.contrib import admin

from yaojian.sampling.models import Lab, Plan, PlanLine, Result, ResultItem, Task


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "bureau", "accreditation", "active"]


class PlanLineInline(admin.TabularInline):
    model = PlanLine
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "year", "title", "region_code", "status"]
    list_filter = ["status", "year"]
    inlines = [PlanLineInline]

    def has_change_permission(self, request, obj=None):  # writes go through the services
        return False


class ResultItemInline(admin.TabularInline):
    model = ResultItem
    extra = 0


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["report_number", "task", "kind", "conclusion", "tested_on"]
    inlines = [ResultItemInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["number", "enterprise", "product_name", "batch_no", "status", "conclusion"]
    list_filter = ["status", "category", "conclusion"]
    search_fields = ["number", "batch_no", "product_name"]

    def has_change_permission(self, request, obj=None):
        return False
