"""Pages: the public verification of a QR code, the key file, the holder's list, the PDF."""

from __future__ import annotations

import re
from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from yaojian.core.errors import NotFound
from yaojian.elicence import selectors, services


@require_GET
@never_cache
def payload_verify(request, payload: str):
    """Where the QR code leads: anyone, no login, on a phone."""
    result = selectors.verify_payload(payload)
    return render(request, "elicence/verify.html", {"nav": "verify", "result": result})


@require_GET
def keys_file(request):
    """The published public keys, as a file for offline verifiers."""
    response = JsonResponse(
        selectors.published_keys(), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="yaojian-elicence-keys.json"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
def mine(request):
    if not request.user.is_enterprise_user:
        raise NotFound()
    versions = list(selectors.mine(request.user))
    groups = [
        {"licence": items[0].licence, "versions": items}
        for items in (list(group) for _key, group in groupby(versions, key=lambda e: e.licence_id))
    ]
    return render(request, "elicence/mine.html", {"nav": "enterprise", "groups": groups})


@login_required
def pdf(request, pk: int):
    elicence = services.pdf_download(actor=request.user, elicence_id=pk)
    title = re.sub(r'[\\/:*?"<>|\s]+', "_", f"{elicence.data.get('title', '')}-{elicence.number}")
    return FileResponse(
        default_storage.open(elicence.pdf.name, "rb"),
        as_attachment=True,
        filename=f"{title}-v{elicence.version}.pdf",
        content_type="application/pdf",
    )
