"""The signal API, mounted under /api/v1/vigilance/."""

from ninja import Router

router = Router(tags=["vigilance"])
