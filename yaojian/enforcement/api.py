"""The enforcement API under /api/v1/enforcement/."""

from ninja import Router

router = Router(tags=["enforcement"])
