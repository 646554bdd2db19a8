"""Signal pages, spliced into the "vigilance" namespace by the app's urls.py."""

from django.urls import path

from yaojian.vigilance.signals import views

urlpatterns: list = [
    path("workbench/vigilance/signals/", views.home, name="signal_home"),
    path("workbench/vigilance/signals/runs/start/", views.run_start, name="signal_run_start"),
    path("workbench/vigilance/signals/runs/<int:run_id>/", views.run_detail, name="signal_run"),
    path("workbench/vigilance/signals/review/", views.signal_list, name="signal_list"),
    path(
        "workbench/vigilance/signals/review/<int:signal_id>/",
        views.signal_detail,
        name="signal_detail",
    ),
    path(
        "workbench/vigilance/signals/review/<int:signal_id>/step/",
        views.signal_step,
        name="signal_step",
    ),
]
