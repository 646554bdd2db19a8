"""Forms of the draw's pages (validation of shape only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.accounts.choices import BureauLevel
from yaojian.inspection.draws.choices import ConflictKind, ItemKind, Outcome, Qualification
from yaojian.registry.choices import EnterpriseKind

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECKS = {"class": "list-unstyled mb-0"}


class ItemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, widget=forms.TextInput(TEXT))
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(TEXT))
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, widget=forms.Select(SELECT))
    ratio = forms.DecimalField(
        label=_("Sampling ratio (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput({**TEXT, "step": "0.01"}),
    )
    enterprise_kinds = forms.MultipleChoiceField(
        label=_("Enterprise types"),
        choices=EnterpriseKind.choices,
        widget=forms.CheckboxSelectMultiple(CHECKS),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), widget=forms.Textarea({**TEXT, "rows": 2})
    )
    bureau_level = forms.ChoiceField(
        label=_("Responsible bureau level"),
        choices=BureauLevel.choices,
        widget=forms.Select(SELECT),
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class PlanForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(TEXT)
    )
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(TEXT))
    items = forms.MultipleChoiceField(
        label=_("Inspection items"), widget=forms.CheckboxSelectMultiple(CHECKS)
    )
    team_size = forms.IntegerField(
        label=_("Inspectors per team"),
        min_value=2,
        max_value=5,
        initial=2,
        widget=forms.NumberInput(TEXT),
    )
    max_load = forms.IntegerField(
        label=_("Most inspections per inspector and draw"),
        min_value=1,
        max_value=500,
        initial=30,
        widget=forms.NumberInput(TEXT),
    )
    weight_A = forms.DecimalField(
        label=_("Multiplier for grade A"),
        initial="0.5",
        widget=forms.NumberInput({**TEXT, "step": "0.1"}),
    )
    weight_B = forms.DecimalField(
        label=_("Multiplier for grade B"),
        initial="1",
        widget=forms.NumberInput({**TEXT, "step": "0.1"}),
    )
    weight_C = forms.DecimalField(
        label=_("Multiplier for grade C"),
        initial="2",
        widget=forms.NumberInput({**TEXT, "step": "0.1"}),
    )
    weight_D = forms.DecimalField(
        label=_("Multiplier for grade D"),
        initial="4",
        widget=forms.NumberInput({**TEXT, "step": "0.1"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea({**TEXT, "rows": 2})
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i.code, f"{i.code} {i.name}") for i in items]
        self.fields["year"].initial = timezone.localdate().year

    def weights(self) -> dict[str, str]:
        return {g: str(self.cleaned_data[f"weight_{g}"]) for g in "ABCD"}


class DrawForm(forms.Form):
    title = forms.CharField(
        label=_("Batch title"), max_length=200, required=False, widget=forms.TextInput(TEXT)
    )
    inspect_by = forms.DateField(
        label=_("Inspections due by"),
        required=False,
        widget=forms.DateInput({**TEXT, "type": "date"}, format="%Y-%m-%d"),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({**TEXT, "rows": 2}))


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in Outcome.choices if c[0]],
        widget=forms.Select({**SELECT, "class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.TextInput({**TEXT, "class": "form-control form-control-sm"}),
    )


class ProfileForm(forms.Form):
    qualifications = forms.MultipleChoiceField(
        label=_("Qualifications"),
        choices=Qualification.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(CHECKS),
    )
    lead_qualified = forms.BooleanField(label=_("Qualified to lead a team"), required=False)
    available = forms.BooleanField(label=_("Available for draws"), required=False, initial=True)
    unavailable_reason = forms.CharField(
        label=_("Why unavailable"), required=False, max_length=200, widget=forms.TextInput(TEXT)
    )


class ConflictForm(forms.Form):
    uscc = forms.CharField(
        label=_("Enterprise's unified social credit code"),
        max_length=18,
        widget=forms.TextInput(TEXT),
    )
    kind = forms.ChoiceField(
        label=_("Kind of conflict"), choices=ConflictKind.choices, widget=forms.Select(SELECT)
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, widget=forms.TextInput(TEXT)
    )
