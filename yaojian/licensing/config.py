"""The shape of a matter's configuration (materials, form fields), checked when it is saved.

Administrators edit these lists as JSON in the matter editor; a mistake is refused there with
the path of the faulty item, never discovered by an enterprise filling the form.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from yaojian.core.texts import chinese_or_english, reads_chinese
from yaojian.registry.scopes import display_scope_item

PREFILL_SOURCES = {
    "enterprise.name",
    "enterprise.uscc",
    "enterprise.address",
    "enterprise.legal_representative",
    "enterprise.phone",
    "licence.number",
    "licence.scope",
    "licence.registered_address",
    "licence.warehouse_address",
    "licence.principal",
    "licence.quality_manager",
    "licence.valid_until",
}
FILE_TYPES = {"pdf", "jpeg", "png"}


class MaterialSpec(BaseModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,59}$")
    name: str = Field(min_length=1, max_length=200)
    # the name for readers of English; empty: they read the Chinese name
    name_en: str = Field(default="", max_length=200)
    required: bool = True
    note: str = ""
    note_en: str = ""
    types: list[Literal["pdf", "jpeg", "png"]] = Field(
        default_factory=lambda: ["pdf", "jpeg", "png"]
    )
    max_mb: int = Field(default=10, ge=1, le=50)
    # waived on the commitment-based route: the applicant promises instead (告知承诺)
    waived_by_commitment: bool = False

    @property
    def display_name(self) -> str:
        return chinese_or_english(self.name, self.name_en)

    @property
    def display_note(self) -> str:
        return chinese_or_english(self.note, self.note_en)


class FieldSpec(BaseModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{1,59}$")
    label: str = Field(min_length=1, max_length=200)
    type: Literal["text", "textarea", "date", "number", "choice", "multi", "licence"] = "text"
    required: bool = True
    choices: list[str] = Field(default_factory=list)
    max_length: int = Field(default=300, ge=1, le=5000)
    pattern: str = ""
    prefill: str = ""
    help: str = ""
    # for readers of English; empty: they read the Chinese. `choices_en` translates `choices`
    # item by item (the stored value stays the Chinese choice); without it a scope item reads
    # through the glossary (`registry.scopes.SCOPE_ENGLISH`)
    label_en: str = Field(default="", max_length=200)
    help_en: str = ""
    choices_en: list[str] = Field(default_factory=list)

    @field_validator("prefill")
    @classmethod
    def _known_source(cls, value: str) -> str:
        if value and value not in PREFILL_SOURCES:
            raise ValueError(
                f"unknown prefill source {value!r}; known: {', '.join(sorted(PREFILL_SOURCES))}"
            )
        return value

    @field_validator("pattern")
    @classmethod
    def _valid_pattern(cls, value: str) -> str:
        if value:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a valid regular expression: {error}") from None
        return value

    @model_validator(mode="after")
    def _choices_for_choice_fields(self):
        if self.type in ("choice", "multi") and not self.choices:
            raise ValueError("a choice field needs its choices")
        if self.choices_en and len(self.choices_en) != len(self.choices):
            raise ValueError(
                f"field {self.name!r}: choices_en has {len(self.choices_en)} items, "
                f"choices has {len(self.choices)}; give one English text per choice, in order"
            )
        return self

    @property
    def display_label(self) -> str:
        return chinese_or_english(self.label, self.label_en)

    @property
    def display_help(self) -> str:
        return chinese_or_english(self.help, self.help_en)

    def choice_label(self, value: str) -> str:
        """A stored choice as the reader reads it: its English text (`choices_en`, else the
        scope glossary) for a reader of English, the stored Chinese value otherwise."""
        if reads_chinese():
            return value
        if value in self.choices and self.choices_en:
            english = self.choices_en[self.choices.index(value)]
            if english:
                return english
        return display_scope_item(value)

    @property
    def display_choices(self) -> list[tuple[str, str]]:
        """(stored value, label in the reader's language) of each choice."""
        return [(choice, self.choice_label(choice)) for choice in self.choices]

    def display_value(self, value):
        """A stored value of this field as the reader reads it: choices translated (a list
        stays a list), anything typed as it was typed."""
        if self.type not in ("choice", "multi"):
            return value
        if isinstance(value, list):
            return [self.choice_label(str(item)) for item in value]
        return self.choice_label(value) if isinstance(value, str) and value else value


class MatterConfig(BaseModel):
    materials: list[MaterialSpec] = Field(default_factory=list)
    form_fields: list[FieldSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_codes(self):
        for label, names in (
            ("material", [m.code for m in self.materials]),
            ("field", [f.name for f in self.form_fields]),
        ):
            seen = {n for n in names if names.count(n) > 1}
            if seen:
                raise ValueError(f"duplicate {label} codes: {', '.join(sorted(seen))}")
        return self


def validate_config(materials: list, form_fields: list) -> dict[str, list[str]]:
    """Field errors ({"materials": [...], "form_fields": [...]}) or {} when the lists are sound."""
    try:
        MatterConfig(materials=materials, form_fields=form_fields)
    except ValidationError as error:
        errors: dict[str, list[str]] = {}
        for item in error.errors():
            location = [str(part) for part in item["loc"]]
            field = (
                location[0]
                if location and location[0] in ("materials", "form_fields")
                else "form_fields"
            )
            errors.setdefault(field, []).append(f"{'.'.join(location)}: {item['msg']}")
        return errors
    return {}


def materials_of(matter) -> list[MaterialSpec]:
    return [MaterialSpec(**m) for m in matter.materials]


def fields_of(matter) -> list[FieldSpec]:
    return [FieldSpec(**f) for f in matter.form_fields]
