from django.urls import include, path  # noqa: F401

from yaojian.vigilance import views
from yaojian.vigilance.signals.urls import urlpatterns as signal_urlpatterns

app_name = "vigilance"

# the signal pages are in signals/urls.py and share the "vigilance" namespace
urlpatterns: list = [
    path("workbench/vigilance/", views.overview, name="overview"),
    path("workbench/vigilance/cases/", views.case_list, name="cases"),
    path("workbench/vigilance/cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("workbench/vigilance/cases/<int:case_id>/causality/", views.causality, name="causality"),
    path("workbench/vigilance/cases/<int:case_id>/e2b/", views.case_export, name="case_export"),
    path("workbench/vigilance/export/", views.export_period, name="export"),
    path("workbench/vigilance/duplicates/", views.duplicates, name="duplicates"),
    path(
        "workbench/vigilance/duplicates/<int:pair_id>/",
        views.duplicate_decide,
        name="duplicate_decide",
    ),
    path("workbench/vigilance/e2b/", views.e2b_import, name="e2b_import"),
    path("workbench/vigilance/e2b/<int:batch_id>/ack/", views.e2b_ack, name="e2b_ack"),
    path("vigilance/meddra/", views.meddra_search, name="meddra_search"),
    path("vigilance/report/", views.public_report, name="public_report"),
    path("vigilance/my/", views.my_cases, name="my_cases"),
    path("vigilance/my/new/", views.my_report, name="my_new"),
    path("vigilance/my/<int:case_id>/follow-up/", views.my_report, name="my_follow_up"),
    path("vigilance/my/e2b/", views.e2b_import, name="my_e2b"),
    *signal_urlpatterns,
]
