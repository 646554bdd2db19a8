from django.urls import include, path  # noqa: F401

from yaojian.inspection.draws.urls import urlpatterns as draw_urlpatterns
from yaojian.inspection.views import checklists, enterprise, figures, regulator

app_name = "inspection"

# the draw's pages are in draws/urls.py and share the "inspection" namespace
urlpatterns: list = [
    *draw_urlpatterns,
    # the regulators' pages (work portal)
    path("workbench/inspection/", regulator.overview, name="overview"),
    path("workbench/inspection/inspections/", regulator.inspection_list, name="list"),
    path("workbench/inspection/figures/", figures.figures, name="figures"),
    path("workbench/inspection/inspections/<int:inspection_id>/", regulator.detail, name="detail"),
    path(
        "workbench/inspection/inspections/<int:inspection_id>/steps/<slug:action>/",
        regulator.step,
        name="step",
    ),
    path(
        "workbench/inspection/inspections/<int:inspection_id>/field/",
        regulator.field_form,
        name="field",
    ),
    path(
        "workbench/inspection/inspections/<int:inspection_id>/report.pdf",
        regulator.report_pdf,
        name="report",
    ),
    path("workbench/inspection/checklists/", checklists.checklist_list, name="checklists"),
    path("workbench/inspection/checklists/save/", checklists.checklist_save, name="checklist_save"),
    path(
        "workbench/inspection/checklists/<int:checklist_id>/",
        checklists.checklist_detail,
        name="checklist_detail",
    ),
    path(
        "workbench/inspection/checklists/<int:checklist_id>/items/",
        checklists.item_save,
        name="item_save",
    ),
    # files of an inspection: scoped like the inspection itself (regulators and the enterprise)
    path("inspection/files/photos/<int:photo_id>/", regulator.photo, name="photo"),
    path("inspection/files/evidence/<int:evidence_id>/", regulator.evidence, name="evidence"),
    # the enterprise's pages (government-service portal)
    path("inspection/my/", enterprise.my_list, name="my_list"),
    path("inspection/my/<int:inspection_id>/", enterprise.my_detail, name="my_detail"),
    path("inspection/my/<int:inspection_id>/rectify/", enterprise.my_rectify, name="my_rectify"),
    path("inspection/my/<int:inspection_id>/report.pdf", regulator.report_pdf, name="my_report"),
]
