"""Edit forms of the registers; the services validate and record every change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yaojian.registry.choices import EnterpriseStatus, LicenceStatus, PersonStatus, RiskGrade

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(TEXT))
    legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=100, widget=forms.TextInput(TEXT)
    )
    address = forms.CharField(
        label=_("Registered address"), max_length=300, widget=forms.TextInput(TEXT)
    )
    phone = forms.CharField(
        label=_("Contact phone"), max_length=20, required=False, widget=forms.TextInput(TEXT)
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=EnterpriseStatus.choices, widget=forms.Select(SELECT)
    )
    risk_grade = forms.ChoiceField(
        label=_("Supervision grade"), choices=RiskGrade.choices, widget=forms.Select(SELECT)
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput({**TEXT, "step": "any"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput({**TEXT, "step": "any"}),
    )


class LicenceForm(forms.Form):
    scope = forms.CharField(
        label=_("Scope"), required=False, widget=forms.Textarea({**TEXT, "rows": 3})
    )
    registered_address = forms.CharField(
        label=_("Registered address"), max_length=300, required=False, widget=forms.TextInput(TEXT)
    )
    warehouse_address = forms.CharField(
        label=_("Warehouse address"), max_length=300, required=False, widget=forms.TextInput(TEXT)
    )
    legal_representative = forms.CharField(
        label=_("Legal representative"),
        max_length=100,
        required=False,
        widget=forms.TextInput(TEXT),
    )
    principal = forms.CharField(
        label=_("Person in charge"), max_length=100, required=False, widget=forms.TextInput(TEXT)
    )
    quality_manager = forms.CharField(
        label=_("Quality manager"), max_length=100, required=False, widget=forms.TextInput(TEXT)
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(DATE)
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(DATE)
    )
    note = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Kept in the licence's history, e.g. the change approval's number."),
        widget=forms.TextInput(TEXT),
    )


class PersonStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=PersonStatus.choices,
        widget=forms.Select({"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.TextInput({"class": "form-control form-control-sm"}),
    )


__all__ = ["EnterpriseForm", "LicenceForm", "LicenceStatus", "PersonStatusForm"]
