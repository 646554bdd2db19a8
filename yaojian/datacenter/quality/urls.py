from django.urls import path

from yaojian.datacenter.quality import views

urlpatterns = [
    path("", views.overview, name="quality"),
    path("<str:code>/", views.findings, name="quality_findings"),
]
