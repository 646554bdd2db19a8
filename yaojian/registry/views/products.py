"""The product register and the product file."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.core.forms import paginate
from yaojian.core.pages import regulator
from yaojian.registry import selectors
from yaojian.registry.choices import ProductKind, ProductStatus, RxClass
from yaojian.registry.views.common import list_page

EXPORT_COLUMNS = [
    (gettext_lazy("Type"), lambda p: p.get_kind_display()),
    (gettext_lazy("Name"), lambda p: p.name),
    (gettext_lazy("Brand name"), lambda p: p.brand_name),
    (gettext_lazy("Approval, registration or filing number"), lambda p: p.approval_number or ""),
    (gettext_lazy("Dosage form"), lambda p: p.dosage_form),
    (gettext_lazy("Strength"), lambda p: p.strength),
    (gettext_lazy("Package specification"), lambda p: p.package_spec),
    (gettext_lazy("Holder"), lambda p: p.holder_display),
    (gettext_lazy("Manufacturer"), lambda p: p.manufacturer_display),
    (gettext_lazy("Prescription class"), lambda p: p.get_rx_class_display()),
    (gettext_lazy("Traceability product identifier"), lambda p: p.trace_product_code or ""),
    (gettext_lazy("National drug code"), lambda p: p.national_drug_code or ""),
    (gettext_lazy("Device class"), lambda p: p.device_class),
    (gettext_lazy("UDI-DI"), lambda p: p.udi_di or ""),
    (gettext_lazy("Status"), lambda p: p.get_status_display()),
]


@login_required
def product_list(request):
    user = regulator(request)
    get = request.GET
    filters = {
        "query": get.get("q", "").strip(),
        "kind": get.get("kind", ""),
        "status": get.get("status", ""),
        "rx_class": get.get("rx", ""),
        "sort": get.get("sort", "name"),
    }
    return list_page(
        request,
        selectors.product_list(user, **filters),
        template="registry/product_list.html",
        rows_template="registry/product_rows.html",
        nav="products",
        export_name="products",
        export_sheet=_("Products"),
        columns=EXPORT_COLUMNS,
        context={
            "filters": filters,
            "kinds": ProductKind.choices,
            "statuses": ProductStatus.choices,
            "rx_classes": RxClass.choices,
        },
    )


@login_required
def product_detail(request, pk: int):
    """The product file (一品一档)."""
    user = regulator(request)
    kind = request.GET.get("kind", "")
    file = selectors.product_file(user, pk, timeline_kind=kind)
    timeline = paginate(request, file.timeline, per_page=20)
    if request.headers.get("HX-Request") and request.GET.get("part") == "timeline":
        return render(
            request, "registry/timeline.html", {"timeline": timeline, "file": file, "kind": kind}
        )
    return render(
        request,
        "registry/product_file.html",
        {
            "nav": "products",
            "file": file,
            "product": file.product,
            "timeline": timeline,
            "kind": kind,
        },
    )
