from django.urls import path

from yaojian.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("verify/", views.verify, name="verify"),
    path("pharmacies/", views.pharmacies, name="pharmacies"),
    path("publications/", views.publications, name="publications"),
    path("publications/<int:pk>/", views.publication_detail, name="publication_detail"),
    path("complaints/", views.complaints, name="complaints"),
    path("my/", views.enterprise_home, name="enterprise_home"),
    path("my/applications/", views.my_applications, name="my_applications"),
    path("my/messages/", views.messages_view, name="messages"),
    path("my/messages/read-all/", views.messages_read_all, name="messages_read_all"),
]
