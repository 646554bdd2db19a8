from django.urls import path

from yaojian.enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("workbench/enforcement/", views.case_list, name="case_list"),
    path("workbench/enforcement/clues/", views.source_list, name="source_list"),
    path("workbench/enforcement/clues/<int:pk>/", views.source_detail, name="source_detail"),
    path("workbench/enforcement/figures/", views.figures, name="figures"),
    path("workbench/enforcement/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path(
        "workbench/enforcement/cases/<int:pk>/act/<slug:action>/",
        views.case_act,
        name="case_act",
    ),
    path(
        "workbench/enforcement/cases/<int:pk>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "workbench/enforcement/cases/<int:pk>/notice.pdf",
        views.case_notice_pdf,
        name="case_notice_pdf",
    ),
    path(
        "workbench/enforcement/cases/<int:pk>/decision.pdf",
        views.case_decision_pdf,
        name="case_decision_pdf",
    ),
    path("enforcement/my/", views.my_cases, name="my_cases"),
    path("enforcement/my/<int:pk>/", views.my_case, name="my_case"),
    path("enforcement/my/<int:pk>/notice.pdf", views.my_notice_pdf, name="my_notice_pdf"),
    path("enforcement/my/<int:pk>/decision.pdf", views.my_decision_pdf, name="my_decision_pdf"),
]
