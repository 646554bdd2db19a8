"""The project's URLs with the holiday pages, for the tests (whether or not the project
includes `yaojian.core.urls` yet)."""

from django.urls import include, path

from yaojian import urls as project

urlpatterns = list(project.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "core" for pattern in urlpatterns):
    urlpatterns.append(path("workbench/holidays/", include("yaojian.core.urls")))

handler404 = project.handler404
