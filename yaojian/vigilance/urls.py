from django.urls import include, path  # noqa: F401

from yaojian.vigilance.signals.urls import urlpatterns as signal_urlpatterns

app_name = "vigilance"

# the signal pages are in signals/urls.py and share the "vigilance" namespace
urlpatterns: list = [*signal_urlpatterns]
