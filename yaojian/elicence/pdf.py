"""The PDF of an electronic licence in the official layout: 正本 and 副本 in one file.

WeasyPrint lays it out; the Chinese font is embedded (subset) from the system: the file that
fontconfig finds for Chinese, or the one YAOJIAN_ELICENCE_FONT names. Nothing is fetched from
the network: only data: and file: URLs are allowed.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone

from yaojian.elicence import paper

# WeasyPrint reports each step of every document at INFO: noise in the platform's log
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# preferred families, best first, when fontconfig offers several Chinese fonts
PREFERRED_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei")


@cache
def font_file() -> Path:
    """The Chinese font to embed: YAOJIAN_ELICENCE_FONT, or the one fontconfig finds."""
    configured = getattr(settings, "YAOJIAN_ELICENCE_FONT", "") or os.environ.get(
        "YAOJIAN_ELICENCE_FONT", ""
    )
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ImproperlyConfigured(f"YAOJIAN_ELICENCE_FONT names no file: {configured}")
        return path
    fc_list = shutil.which("fc-list")
    if fc_list:
        listing = subprocess.run(  # noqa: S603 - a fixed command, no user input
            [fc_list, ":lang=zh-cn", "file", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
        fonts = []
        for line in listing.splitlines():
            file, _sep, families = line.partition(":")
            if file.strip():
                fonts.append((Path(file.strip()), families))
        for family in PREFERRED_FAMILIES:
            for path, families in sorted(fonts):
                if family in families and path.is_file():
                    return path
        for path, _families in sorted(fonts):
            if path.is_file():
                return path
    raise ImproperlyConfigured(
        "No Chinese font found for electronic licence PDFs: install the Debian package "
        "fonts-wqy-microhei (or fonts-noto-cjk), or set YAOJIAN_ELICENCE_FONT to a .ttf/.ttc/.otf."
    )


@cache
def font_family() -> str:
    """The family name inside the font file (the name the PDF embeds it under)."""
    try:
        from fontTools.ttLib import TTFont

        with TTFont(str(font_file()), fontNumber=0, lazy=True) as font:
            return font["name"].getBestFamilyName() or "Licence CJK"
    except Exception:  # a font fontTools cannot read is still one WeasyPrint may use
        return "Licence CJK"


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=0, dark="#000")


def qr_svg(url: str, *, scale: int = 5) -> str:
    """The QR code as an inline SVG element for pages."""
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=scale, border=2, dark="#000", light="#fff", svgclass="elicence-qr", lineclass=None
    )


def _fetcher():
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # WeasyPrint 68 and later
        return urls.URLFetcher(allowed_protocols={"data", "file"}, fail_on_errors=True)

    def fetch(url: str):  # pragma: no cover - WeasyPrint before 68
        if not url.startswith(("data:", "file:")):
            raise ValueError(f"refused to fetch {url}")
        return urls.default_url_fetcher(url)

    return fetch


ORIGINAL_SCOPE_LIMIT = 150
HISTORY_ON_COPY = 5  # the latest versions; every version is listed on the platform


def _shorten(scope: str) -> str:
    if len(scope) <= ORIGINAL_SCOPE_LIMIT:
        return scope
    return scope[: ORIGINAL_SCOPE_LIMIT - 10].rstrip("、，,;； ") + "……（详见副本）"


def render(elicence: Any, *, history: list[Any], verify_url: str, portal_url: str) -> bytes:
    """The PDF bytes of one version; `history` lists every version of the licence number."""
    data = elicence.data
    rows = paper.rows(data, chinese=True)
    # The original is one page: a long scope is cut there and printed whole on the copy,
    # as paper licences do ("详见副本").
    original_rows = [
        (key, label, _shorten(value) if key == "scope" else value) for key, label, value in rows
    ]
    original_length = sum(len(value) for _key, _label, value in original_rows)
    context = {
        "data": data,
        "rows": rows,
        "original_rows": original_rows,
        "dense_original": original_length > 330,
        "dense_copy": sum(len(value) for _key, _label, value in rows)
        + 40 * min(len(history), HISTORY_ON_COPY)
        > 380,
        "history": history[-HISTORY_ON_COPY:],
        "earlier": max(0, len(history) - HISTORY_ON_COPY),
        "elicence": elicence,
        "qr": qr_svg_data_uri(verify_url),
        "verify_url": verify_url,
        "portal_url": portal_url,
        "generated_at": timezone.localtime(),
    }
    return template_pdf("elicence/pdf.html", context)


def template_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """A template laid out as PDF by WeasyPrint in the system's CJK font (`font_url` and
    `font_family` are added to the context), fetching nothing from the network: the one way
    every document of the platform (licences, inspection reports, sampling records, penalty
    notices and decisions) is printed."""
    from weasyprint import HTML

    html = render_to_string(
        template_name,
        {**context, "font_url": font_file().resolve().as_uri(), "font_family": font_family()},
    )
    return HTML(string=html, base_url=str(settings.PACKAGE_DIR), url_fetcher=_fetcher()).write_pdf()
