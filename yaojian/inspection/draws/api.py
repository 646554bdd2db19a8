"""The draw API, mounted under /api/v1/inspection/."""

from ninja import Router

router = Router(tags=["inspection"])
