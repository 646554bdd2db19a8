"""The adverse-reaction API under /api/v1/vigilance/."""

from ninja import Router

from yaojian.vigilance.signals.api import router as signals_router

router = Router(tags=["vigilance"])
router.add_router("/", signals_router)
