"""The draw's pages, spliced into the `inspection` namespace (see ../urls.py)."""

from django.urls import path

from yaojian.inspection.draws import views

urlpatterns: list = [
    path("workbench/inspection/plans/", views.plan_list, name="plan_list"),
    path("workbench/inspection/plans/new/", views.plan_new, name="plan_new"),
    path("workbench/inspection/plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("workbench/inspection/plans/<int:plan_id>/draw/", views.plan_draw, name="plan_draw"),
    path(
        "workbench/inspection/plans/<int:plan_id>/recompute/",
        views.plan_recompute,
        name="plan_recompute",
    ),
    path(
        "workbench/inspection/plans/<int:plan_id>/<str:action>/",
        views.plan_action,
        name="plan_action",
    ),
    path("workbench/inspection/draws/<int:draw_id>/", views.draw_detail, name="draw_detail"),
    path(
        "workbench/inspection/draws/<int:draw_id>/recompute/",
        views.draw_recompute,
        name="draw_recompute",
    ),
    path(
        "workbench/inspection/draws/<int:draw_id>/selections/<int:selection_id>/result/",
        views.selection_result,
        name="selection_result",
    ),
    path("workbench/inspection/draws/<int:draw_id>/<str:step>/", views.draw_step, name="draw_step"),
    path("workbench/inspection/items/", views.item_list, name="item_list"),
    path("workbench/inspection/inspectors/", views.inspector_pool, name="inspector_pool"),
    path(
        "workbench/inspection/inspectors/<int:user_id>/",
        views.inspector_edit,
        name="inspector_edit",
    ),
]
