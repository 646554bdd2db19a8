from django.urls import include, path  # noqa: F401

from yaojian.inspection.draws.urls import urlpatterns as draw_urlpatterns

app_name = "inspection"

# the draw's pages are in draws/urls.py and share the "inspection" namespace
urlpatterns: list = [*draw_urlpatterns]
