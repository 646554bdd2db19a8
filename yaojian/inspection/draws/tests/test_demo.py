import pytest

from yaojian.demo import loader
from yaojian.inspection.draws import demo, services
from yaojian.inspection.draws.models import Draw


@pytest.mark.django_db
def test_demo_loads_a_plan_with_a_completed_draw_that_recomputes():
    loader.load(seed=2026, scale="tiny")  # the demo loads the draw with the rest
    draw = Draw.objects.get()
    assert draw.selections.exists()
    assert draw.status == "completed" and draw.results_published_at
    assert services.draw_verify(actor=None, draw_id=draw.pk, scoped=False).identical
    assert demo.load()["loaded"] is False
