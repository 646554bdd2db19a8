"""The inspection API under /api/v1/inspection/."""

from ninja import Router

from yaojian.inspection.draws.api import router as draws_router

router = Router(tags=["inspection"])
router.add_router("/", draws_router)
