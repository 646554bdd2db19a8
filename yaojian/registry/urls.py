from django.urls import path

from yaojian.registry.views import edit, enterprises, licences, people, products, search

app_name = "registry"

urlpatterns = [
    path("search/", search.search, name="search"),
    path("enterprises/", enterprises.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path(
        "enterprises/<int:pk>/reveal-id/",
        enterprises.enterprise_reveal_id,
        name="enterprise_reveal_id",
    ),
    path("enterprises/<int:pk>/verify/", enterprises.enterprise_verify, name="enterprise_verify"),
    path("enterprises/<int:pk>/edit/", edit.enterprise_edit, name="enterprise_edit"),
    path("licences/", licences.licence_list, name="licence_list"),
    path("licences/<int:pk>/edit/", edit.licence_edit, name="licence_edit"),
    path("people/<int:pk>/status/", edit.person_status, name="person_status"),
    path("licences/<int:pk>/", licences.licence_detail, name="licence_detail"),
    path("licences/<int:pk>/status/", licences.licence_status, name="licence_status"),
    path("products/", products.product_list, name="product_list"),
    path("products/<int:pk>/", products.product_detail, name="product_detail"),
    path("people/", people.person_list, name="person_list"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
]
