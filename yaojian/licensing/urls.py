from django.urls import path

from yaojian.licensing import views

app_name = "licensing"

urlpatterns = [
    # the enterprise's side (government-service portal)
    path("hall/", views.hall, name="hall"),
    path("hall/apply/<slug:code>/", views.apply, name="apply"),
    path("my/applications/<int:pk>/", views.my_application, name="my_application"),
    path("my/applications/<int:pk>/materials/", views.material_upload, name="material_upload"),
    path(
        "my/applications/<int:pk>/materials/<int:material_id>/",
        views.material_download,
        name="my_material",
    ),
    path(
        "my/applications/<int:pk>/materials/<int:material_id>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    # the regulators' side (work portal)
    path("workbench/licensing/", views.application_list, name="application_list"),
    path("workbench/licensing/efficiency/", views.efficiency, name="efficiency"),
    path("workbench/licensing/matters/", views.matter_list, name="matters"),
    path("workbench/licensing/matters/new/", views.matter_new, name="matter_new"),
    path("workbench/licensing/matters/<slug:code>/", views.matter_edit, name="matter_edit"),
    path("workbench/licensing/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "workbench/licensing/<int:pk>/actions/<slug:action>/",
        views.application_act,
        name="application_act",
    ),
    path(
        "workbench/licensing/<int:pk>/materials/<int:material_id>/",
        views.material_download,
        name="material_download",
    ),
]
