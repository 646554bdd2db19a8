from django.urls import path, register_converter

from yaojian.enforcement import pdf, views

app_name = "enforcement"


class DocumentKind:
    """A penalty document in an address ("notice", "decision"); any other word is no address
    at all, so it is a 404 before a view runs."""

    regex = "|".join(pdf.KINDS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if value not in pdf.KINDS:
            raise ValueError(value)
        return value


register_converter(DocumentKind, "penalty_document")

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
    # …/notice.pdf and …/decision.pdf
    path(
        "workbench/enforcement/cases/<int:pk>/<penalty_document:kind>.pdf",
        views.case_pdf,
        name="case_pdf",
    ),
    path("enforcement/my/", views.my_cases, name="my_cases"),
    path("enforcement/my/<int:pk>/", views.my_case, name="my_case"),
    path("enforcement/my/<int:pk>/<penalty_document:kind>.pdf", views.my_pdf, name="my_pdf"),
]
