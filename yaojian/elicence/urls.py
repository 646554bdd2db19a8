from django.urls import path

from yaojian.elicence import views

app_name = "elicence"

urlpatterns = [
    # the QR code's link: no trailing slash, so that a phone opens it without a redirect
    path("v/<str:payload>", views.payload_verify, name="payload"),
    path("keys.json", views.keys_file, name="keys"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
]
