"""Forms of the service hall: the application form generated from the matter's configuration,
the regulators' action forms and the matter editor. The services validate again on every
write; these forms give each mistake its field before anything is saved."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from yaojian.core.texts import reads_chinese
from yaojian.licensing.choices import FieldType, HandlingLevel, MatterKind, Route
from yaojian.licensing.config import fields_of
from yaojian.registry.choices import LicenceKind

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
AREA = {"class": "form-control", "rows": 3}
MONO = {"class": "form-control font-monospace small", "rows": 14, "spellcheck": "false"}
CHECK = {"class": "form-check-input"}
MAX_TEXT = 5000


# --- the enterprise's side -----------------------------------------------------------------------


class ApplyForm(forms.Form):
    """Start an application; a change, renewal or cancellation names the licence it acts on."""

    licence_number = forms.ChoiceField(label=_("Licence"), widget=forms.Select(SELECT))

    def __init__(self, *args: Any, licences=(), needs_licence: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_licence:
            self.fields["licence_number"].choices = [
                (licence.number, f"{licence.number} · {licence.get_status_display()}")
                for licence in licences
            ]
        else:
            del self.fields["licence_number"]


def _licence_label(licence) -> str:
    until = licence.valid_until.isoformat() if licence.valid_until else "—"
    if reads_chinese():
        return f"{licence.number}（{licence.get_status_display()}，{until}）"
    return f"{licence.number} ({licence.get_status_display()}, {until})"


class ApplicationForm(forms.Form):
    """The matter's form fields, built from its configuration (`Matter.form_fields`).

    No field is required here: a draft may be saved half-filled and the completeness
    pre-check tells what is missing; the types, choices, lengths and patterns are checked as
    the service checks them on submission.
    """

    def __init__(
        self, *args: Any, matter, licences=(), with_route: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.matter = matter
        self.specs = fields_of(matter)
        for spec in self.specs:
            field = self._field(spec, licences)
            field.label = spec.display_label
            field.help_text = spec.display_help
            field.spec = spec
            self.fields[spec.name] = field
        if with_route and matter.commitment_route:
            self.fields["route"] = forms.ChoiceField(
                label=_("Route"),
                choices=Route.choices,
                initial=Route.NORMAL,
                required=False,
                widget=forms.RadioSelect(attrs=CHECK),
            )
            self.fields["promise"] = forms.BooleanField(
                label=_("I make the promise above on behalf of the enterprise."),
                required=False,
                widget=forms.CheckboxInput(attrs=CHECK),
            )

    @staticmethod
    def _field(spec, licences) -> forms.Field:
        if spec.type == FieldType.TEXTAREA:
            return forms.CharField(
                required=False,
                max_length=spec.max_length,
                widget=forms.Textarea(AREA),
                validators=_pattern(spec),
            )
        if spec.type == FieldType.DATE:
            return forms.DateField(
                required=False, widget=forms.DateInput({**TEXT, "type": "date"}, format="%Y-%m-%d")
            )
        if spec.type == FieldType.NUMBER:
            return forms.DecimalField(
                required=False,
                widget=forms.NumberInput({**TEXT, "step": "any"}),
                max_digits=20,
                decimal_places=6,
            )
        if spec.type == FieldType.CHOICE:
            return forms.ChoiceField(
                required=False,
                choices=[("", "—"), *spec.display_choices],
                widget=forms.Select(SELECT),
            )
        if spec.type == FieldType.MULTI:
            return forms.MultipleChoiceField(
                required=False,
                choices=spec.display_choices,
                widget=forms.CheckboxSelectMultiple(attrs=CHECK),
            )
        if spec.type == FieldType.LICENCE:
            return forms.ChoiceField(
                required=False,
                choices=[("", "—")] + [(lic.number, _licence_label(lic)) for lic in licences],
                widget=forms.Select(SELECT),
            )
        return forms.CharField(
            required=False,
            max_length=spec.max_length,
            widget=forms.TextInput(TEXT),
            validators=_pattern(spec),
        )

    def clean(self):
        data = super().clean()
        if data.get("route") == Route.COMMITMENT and not data.get("promise"):
            self.add_error(
                "promise", _("The commitment-based route needs your promise: tick the box.")
            )
        return data

    @property
    def spec_fields(self):
        return [self[spec.name] for spec in self.specs]

    def form_data(self) -> dict:
        """The cleaned values as the application stores them (JSON)."""
        data: dict[str, Any] = {}
        for spec in self.specs:
            value = self.cleaned_data.get(spec.name)
            if spec.type == FieldType.MULTI:
                data[spec.name] = list(value or [])
            elif spec.type == FieldType.DATE:
                data[spec.name] = value.isoformat() if value else ""
            elif spec.type == FieldType.NUMBER:
                data[spec.name] = (
                    ""
                    if value is None
                    else (int(value) if value == value.to_integral_value() else float(value))
                )
            else:
                data[spec.name] = (value or "").strip()
        return data

    def route(self) -> str:
        return self.cleaned_data.get("route") or Route.NORMAL


def _pattern(spec) -> list:
    """The field's pattern, matched against the whole value as the service does (fullmatch)."""
    if not spec.pattern:
        return []
    try:
        compiled = re.compile(f"^(?:{spec.pattern})$")
    except re.error:
        return []  # a broken pattern in the configuration: the service reports it on submission
    return [RegexValidator(compiled, message=_("The format is not right."))]


def initial_of(application) -> dict:
    """The stored form as the page's initial values (dates parsed, lists kept)."""
    initial: dict[str, Any] = {"route": application.route}
    for spec in fields_of(application.matter):
        value = application.form_data.get(spec.name)
        if spec.type == FieldType.DATE and isinstance(value, str) and value:
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        initial[spec.name] = value
    if application.route == Route.COMMITMENT:
        initial["promise"] = True
    return initial


def json_type_errors(matter, data: dict) -> dict[str, list[str]]:
    """API bodies: each value must have its field's JSON type before the form reads it."""
    specs = {spec.name: spec for spec in fields_of(matter)}
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        spec = specs.get(name)
        if spec is None:
            errors[name] = [_gettext("This matter has no such field.")]
        elif value is None:
            continue
        elif spec.type == FieldType.MULTI:
            if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
                errors[name] = [_gettext("Enter a list of the listed values.")]
        elif spec.type == FieldType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                errors[name] = [_gettext("Enter a number.")]
        elif not isinstance(value, str):
            errors[name] = [_gettext("Enter text.")]
    return errors


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=500, required=False, widget=forms.TextInput(TEXT)
    )


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the bureau (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea({**AREA, "rows": 2}),
    )


class UploadForm(forms.Form):
    code = forms.CharField(max_length=60, widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput({"class": "form-control form-control-sm"})
    )


# --- the regulators' side ------------------------------------------------------------------------


class EmptyForm(forms.Form):
    """Actions without fields (accept, approve an extension)."""


class CorrectionItemForm(forms.Form):
    item = forms.CharField(
        label=_("Item"),
        max_length=200,
        required=False,
        widget=forms.TextInput({**TEXT, "placeholder": _("Item"), "aria-label": _("Item")}),
    )
    reason = forms.CharField(
        label=_("What is missing or wrong"),
        max_length=500,
        required=False,
        widget=forms.TextInput(
            {
                **TEXT,
                "placeholder": _("What is missing or wrong"),
                "aria-label": _("What is missing or wrong"),
            }
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") and not data.get("item"):
            self.add_error("item", _("Name the item this reason is about."))
        return data


class BaseCorrectionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.items():
            raise forms.ValidationError(_("List at least one item to correct, with the reason."))

    def add_service_errors(self, messages: list[str]) -> None:
        """Errors the service found (e.g. a notice already sent), shown above the rows."""
        self.full_clean()
        self._non_form_errors = self.error_class(messages, renderer=self.renderer)

    def items(self) -> list[dict]:
        return [
            {"item": form.cleaned_data["item"], "reason": form.cleaned_data.get("reason", "")}
            for form in self.forms
            if getattr(form, "cleaned_data", None) and form.cleaned_data.get("item")
        ]


CorrectionFormSet = forms.formset_factory(
    CorrectionItemForm,
    formset=BaseCorrectionFormSet,
    extra=3,
    max_num=50,
    absolute_max=60,
    validate_max=True,
)


class ReasonsForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), max_length=MAX_TEXT, widget=forms.Textarea(AREA))
    basis = forms.CharField(
        label=_("Legal basis"), max_length=MAX_TEXT, widget=forms.Textarea({**AREA, "rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the inspectors"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea({**AREA, "rows": 2}),
    )


class InspectionForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Passed")), ("no", _("Not passed"))],
        widget=forms.RadioSelect(attrs=CHECK),
    )
    report = forms.CharField(
        label=_("What the inspection found"), max_length=MAX_TEXT, widget=forms.Textarea(AREA)
    )


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("Review opinion"), max_length=MAX_TEXT, widget=forms.Textarea(AREA)
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "approve",
        choices=[("approve", _("Approve and issue the licence")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect(attrs=CHECK),
    )
    reasons = forms.CharField(label=_("Reasons"), max_length=MAX_TEXT, widget=forms.Textarea(AREA))
    basis = forms.CharField(
        label=_("Legal basis"), max_length=MAX_TEXT, widget=forms.Textarea({**AREA, "rows": 2})
    )


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"), max_length=300, widget=forms.TextInput(TEXT)
    )


# --- the catalogue editor -----------------------------------------------------------------------


class JSONListField(forms.CharField):
    """A JSON list edited as text; a syntax error names its line and column."""

    widget = forms.Textarea

    def __init__(self, *args: Any, items: str = "object", **kwargs: Any) -> None:
        self.items = items
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return []
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("Not valid JSON at line %(line)d, column %(column)d: %(message)s"),
                params={"line": error.lineno, "column": error.colno, "message": error.msg},
            ) from None
        if not isinstance(parsed, list):
            raise forms.ValidationError(_("Enter a JSON list: [ … ]."))
        wanted = dict if self.items == "object" else str
        for index, item in enumerate(parsed):
            if not isinstance(item, wanted):
                raise forms.ValidationError(
                    _("Item %(index)d must be %(kind)s."),
                    params={
                        "index": index,
                        "kind": _("an object { … }") if wanted is dict else _("a text in quotes"),
                    },
                )
        return parsed


class MatterForm(forms.Form):
    code = forms.SlugField(
        label=_("Matter code"),
        max_length=60,
        widget=forms.TextInput(TEXT),
        help_text=_(
            "Lower-case letters, digits and hyphens, e.g. drug-retail-new. It cannot change later."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(TEXT))
    name_en = forms.CharField(
        label=_("English name"), max_length=200, required=False, widget=forms.TextInput(TEXT)
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=MAX_TEXT, widget=forms.Textarea(AREA)
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=MatterKind.choices, widget=forms.Select(SELECT)
    )
    licence_kind = forms.ChoiceField(
        label=_("Licence or filing"), choices=LicenceKind.choices, widget=forms.Select(SELECT)
    )
    handling_level = forms.ChoiceField(
        label=_("Handled by"), choices=HandlingLevel.choices, widget=forms.Select(SELECT)
    )
    statutory_limit = forms.IntegerField(
        label=_("Statutory limit (working days)"),
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(TEXT),
    )
    committed_limit = forms.IntegerField(
        label=_("Committed limit (working days)"),
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(TEXT),
    )
    commitment_route = forms.BooleanField(
        label=_("Commitment-based route (告知承诺) applies"),
        required=False,
        widget=forms.CheckboxInput(CHECK),
    )
    decided_at_once = forms.BooleanField(
        label=_("Decided at once when every pre-check passes"),
        required=False,
        widget=forms.CheckboxInput(CHECK),
    )
    inspection_step = forms.BooleanField(
        label=_("On-site inspection before the decision"),
        required=False,
        widget=forms.CheckboxInput(CHECK),
    )
    active = forms.BooleanField(
        label=_("Open for applications"), required=False, widget=forms.CheckboxInput(CHECK)
    )
    materials = JSONListField(
        label=_("Required materials (JSON)"),
        widget=forms.Textarea(MONO),
        help_text=_(
            'Each: {"code", "name", "name_en", "required", "note", "note_en", "types": ["pdf", "jpeg", "png"], "max_mb", "waived_by_commitment"}. The "_en" texts are what readers of English see; without them they read the Chinese.'
        ),
    )
    form_fields = JSONListField(
        label=_("Form fields (JSON)"),
        widget=forms.Textarea(MONO),
        help_text=_(
            'Each: {"name", "label", "label_en", "type": text|textarea|date|number|choice|multi|licence, "required", "choices", "choices_en", "max_length", "pattern", "prefill", "help", "help_en"}. "choices_en" gives the English of each choice, in the same order; the stored value stays the Chinese choice.'
        ),
    )
    scope_choices = JSONListField(
        label=_("Scope items the licence may hold (JSON)"),
        items="text",
        widget=forms.Textarea({**MONO, "rows": 5}),
        help_text=_(
            "In Chinese, as the licence prints them; readers of English read them through the "
            "platform's glossary of scope items."
        ),
    )

    FIELDS = [
        "name",
        "name_en",
        "legal_basis",
        "kind",
        "licence_kind",
        "handling_level",
        "statutory_limit",
        "committed_limit",
        "commitment_route",
        "decided_at_once",
        "inspection_step",
        "active",
        "materials",
        "form_fields",
        "scope_choices",
    ]

    JSON_FIELDS = ("materials", "form_fields", "scope_choices")

    def __init__(self, *args: Any, existing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        if existing:
            self.fields["code"].disabled = True
            self.fields["code"].required = False

    def clean_code(self):
        code = self.cleaned_data.get("code") or ""
        if code == "new":
            raise forms.ValidationError(_("This code is reserved; choose another."))
        return code

    def clean(self):
        data = super().clean()
        statutory, committed = data.get("statutory_limit"), data.get("committed_limit")
        if statutory is not None and committed is not None and committed > statutory:
            self.add_error(
                "committed_limit", _("The committed limit cannot exceed the statutory limit.")
            )
        return data

    def plain_fields(self):
        return [field for field in self if field.name not in self.JSON_FIELDS]

    def json_fields(self):
        return [self[name] for name in self.JSON_FIELDS]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


def matter_initial(matter) -> dict:
    return {"code": matter.code, **{name: getattr(matter, name) for name in MatterForm.FIELDS}}
