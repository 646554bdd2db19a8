"""Matter configuration: sound lists pass, each mistake is named with its path."""

from __future__ import annotations

from yaojian.licensing.catalogue import MATTERS
from yaojian.licensing.config import validate_config


def test_every_shipped_matter_is_well_formed():
    for matter in MATTERS:
        assert validate_config(matter["materials"], matter["form_fields"]) == {}, matter["code"]
        assert matter["committed_limit"] <= matter["statutory_limit"]


def test_mistakes_are_named_with_their_path():
    errors = validate_config(
        [{"code": "Bad Code", "name": "x"}, {"code": "ok_code", "name": "y", "types": ["exe"]}],
        [
            {"name": "scope", "label": "范围", "type": "multi"},
            {"name": "a1", "label": "x", "prefill": "nowhere"},
            {"name": "a1", "label": "dup"},
        ],
    )
    text = " ".join(errors["materials"] + errors["form_fields"])
    assert "materials.0.code" in text and "materials.1.types.0" in text
    assert "choices" in text and "unknown prefill source" in text
