"""Forms of the import pages: they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yaojian.datacenter.models import CommitMode, ImportRegister


class UploadForm(forms.Form):
    register = forms.ChoiceField(
        label=pgettext_lazy("data register", "Register"),
        choices=ImportRegister.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.csv,text/csv"}
        ),
    )


class CommitForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("What to commit"),
        choices=CommitMode.choices,
        initial=CommitMode.VALID_ROWS,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
