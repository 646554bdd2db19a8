import pytest

from yaojian.vigilance import demo, selectors
from yaojian.vigilance.models import Case, DuplicateCandidate


@pytest.mark.django_db
def test_demo_loads_cases_duplicates_and_signal_rows(province):
    result = demo.load(seed=0)
    assert result["cases"] >= 280
    assert Case.objects.count() == result["cases"]
    assert DuplicateCandidate.objects.exists()
    rows = list(selectors.signal_rows())
    assert len(rows) >= result["cases"]
    assert demo.load(seed=0)["skipped"]
