from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from yaojian.accounts import views as accounts_views
from yaojian.api import api
from yaojian.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/", api.urls),
    # Django's language switch, which also keeps the choice on a signed-in account
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("workbench/", include("yaojian.workbench.urls")),
    path("workbench/registry/", include("yaojian.registry.urls")),
    path("workbench/audit/", include("yaojian.audit.urls")),
    path("workbench/datacenter/", include("yaojian.datacenter.urls")),
    path("workbench/holidays/", include("yaojian.core.urls")),
    path("", include("yaojian.licensing.urls")),
    path("", include("yaojian.accounts.urls")),
    path("elicence/", include("yaojian.elicence.urls")),
    path("epcis/", include("yaojian.trace.urls")),
    path("", include("yaojian.trace.page_urls")),
    path("", include("yaojian.inspection.urls")),
    path("", include("yaojian.sampling.urls")),
    path("", include("yaojian.enforcement.urls")),
    path("", include("yaojian.vigilance.urls")),
    path("", include("yaojian.portal.urls")),
]

handler404 = "yaojian.api.not_found"
