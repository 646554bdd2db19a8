"""The data centre's pages: bulk import (imports/urls.py) and data quality (quality/urls.py)."""

from django.urls import include, path

app_name = "datacenter"

urlpatterns = [
    path("imports/", include("yaojian.datacenter.imports.urls")),
    path("quality/", include("yaojian.datacenter.quality.urls")),
]
