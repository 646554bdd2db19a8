"""One search box over the registers, from the work portal's top bar."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yaojian.core.pages import regulator
from yaojian.registry import selectors

PER_SECTION = 10


@login_required
def search(request):
    user = regulator(request)
    query = request.GET.get("q", "").strip()
    sections = {}
    if query:
        enterprises = selectors.enterprise_list(user, query=query)
        licences = selectors.licence_list(user, query=query)
        products = selectors.product_list(user, query=query)
        people = selectors.person_list(user, query=query)
        sections = {
            "enterprises": (list(enterprises[:PER_SECTION]), enterprises.count()),
            "licences": (list(licences[:PER_SECTION]), licences.count()),
            "products": (list(products[:PER_SECTION]), products.count()),
            "people": (list(people[:PER_SECTION]), people.count()),
        }
    return render(
        request, "registry/search.html", {"nav": "search", "query": query, "sections": sections}
    )
