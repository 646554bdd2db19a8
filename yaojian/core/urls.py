"""The statutory clock's holiday table; included by the project at "workbench/holidays/"."""

from django.urls import path

from yaojian.core import holiday_views

app_name = "core"

urlpatterns = [
    path("", holiday_views.holidays, name="holidays"),
    path("import/", holiday_views.holiday_import, name="holiday_import"),
    path("<str:day>/delete/", holiday_views.holiday_delete, name="holiday_delete"),
]
