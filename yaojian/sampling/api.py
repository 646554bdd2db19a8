"""The sampling API under /api/v1/sampling/."""

from ninja import Router

router = Router(tags=["sampling"])
