from __future__ import annotations

from pathlib import Path

import pytest

from yaojian.accounts.choices import Role
from yaojian.testing import factories

CAERS = Path(__file__).resolve().parents[5] / "shared" / "conformance" / "pv" / "caers_2012.csv"
if not CAERS.exists():  # the checkout may sit elsewhere; the conformance folder is beside it
    CAERS = Path("/work/shared/conformance/pv/caers_2012.csv")


@pytest.fixture(scope="session")
def caers_path() -> Path:
    if not CAERS.exists():
        pytest.skip("the CAERS conformance file is not available")
    return CAERS


@pytest.fixture(scope="session")
def caers_table(caers_path):
    from yaojian.vigilance.signals.csvio import read_table

    return read_table(caers_path)


@pytest.fixture(scope="session")
def caers_counts(caers_table):
    """Unstratified counts, as openEBGM's `processRaw(caers)` in its vignettes."""
    return caers_table.counts(stratify=False)


@pytest.fixture
def analyst(province):
    return factories.regulator("360000", roles=[Role.ANALYST])


@pytest.fixture
def leader(province):
    return factories.regulator("360000", roles=[Role.LEADER])


@pytest.fixture
def city_analyst(province):
    return factories.regulator("360100", roles=[Role.ANALYST])


@pytest.fixture
def meddra(db):
    from yaojian.vigilance import meddra

    return meddra.load_synthetic()


@pytest.fixture
def hospital(province, meddra):
    from yaojian.registry.choices import EnterpriseKind

    enterprise = factories.EnterpriseFactory(
        region_code="360102", kind=EnterpriseKind.MEDICAL_INSTITUTION, name="南昌市第一医院"
    )
    return factories.enterprise_user(enterprise, master=True)


def minimal_rows(strong: int = 8, noise: int = 60):
    """(report, product, event, sex, age) rows: 甲药-皮疹 strongly associated, the rest noise."""
    rows = []
    report = 0
    for i in range(strong):
        report += 1
        rows.append((f"R{report}", "甲药片", "皮疹", "F" if i % 2 else "M", "45-64"))
    drugs = ["乙药胶囊", "丙药注射液", "丁药片", "戊药颗粒"]
    events = ["恶心", "头痛", "腹泻", "呕吐", "头晕"]
    for i in range(noise):
        report += 1
        rows.append(
            (f"R{report}", drugs[i % 4], events[(i * 7) % 5], "F" if i % 3 else "M", "45-64")
        )
        if i % 5 == 0:
            rows.append((f"R{report}", "甲药片", events[i % 5], "M", "45-64"))
        if i % 15 == 0:
            rows.append((f"R{report}", drugs[i % 4], "皮疹", "M", "45-64"))
    return rows


def varied_rows(seed: int = 1, reports: int = 1500):
    """A few thousand rows over 30 drugs and 60 events whose reporting rates vary between
    pairs (each drug has its own event profile), enough pairs for the MGPS prior to be
    fitted; 甲药片 with 皮疹 is reported far more often than expected."""
    import numpy as np

    rng = np.random.default_rng(seed)
    drugs = ["甲药片"] + [f"药品{i:02d}" for i in range(1, 30)]
    events = ["皮疹"] + [f"事件{i:02d}" for i in range(1, 60)]
    weights = 1.0 / np.arange(1, 61)
    weights /= weights.sum()
    profile = rng.choice(60, size=(30, 6), p=weights)
    rows = []
    for report in range(reports):
        drug = int(rng.integers(0, 30))
        sex = "F" if rng.random() < 0.5 else "M"
        age = ["18-44", "45-64", "65+"][int(rng.integers(0, 3))]
        count = 1 + int(rng.integers(0, 3))
        chosen = set()
        for _ in range(count):
            if drug == 0 and rng.random() < 0.4:
                chosen.add(0)
            elif rng.random() < 0.4:
                chosen.add(int(profile[drug, rng.integers(0, 6)]))
            else:
                chosen.add(int(rng.choice(60, p=weights)))
        for event in chosen:
            rows.append((f"V{report}", drugs[drug], events[event], sex, age))
    return rows


@pytest.fixture(autouse=True)
def _english(english):
    """These tests read the English messages (the root conftest's `english`)."""
