"""Helpers that connect Django forms, domain errors and pages."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy

from yaojian.core.errors import DomainError


def apply_errors(form: forms.Form, error: DomainError) -> None:
    """Show a domain error on the form: on its field where the form has it, else on top."""
    if not error.errors:
        form.add_error(None, str(error.detail))
        return
    for field, messages in error.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def paginate(request, queryset, per_page: int = 25):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.querystring = query.urlencode()
    return page


class HolidayForm(forms.Form):
    """One day of the administrators' holiday table (see `yaojian.core.services.holiday_set`)."""

    DAY_OFF, WORKING_DAY = "off", "work"

    day = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("The day is"),
        choices=[
            (DAY_OFF, gettext_lazy("a day off (statutory holiday)")),
            (WORKING_DAY, gettext_lazy("a make-up working day (调休上班)")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=50,
        required=False,
        help_text=gettext_lazy(
            "For example 元旦, 春节, 国庆节; a make-up working day may stay empty."
        ),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class HolidayImportForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=1949,
        max_value=2199,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Days, one per line"),
        help_text=gettext_lazy(
            "“YYYY-MM-DD name”; add 上班 (or work) for a make-up working day; a range "
            "“YYYY-MM-DD~YYYY-MM-DD name” stands for every day in it. The list replaces all "
            "overrides of the year."
        ),
        widget=forms.Textarea(
            attrs={
                "class": "form-control font-monospace",
                "rows": 16,
                "placeholder": "2027-01-01 元旦\n2027-10-01~2027-10-07 国庆节\n2027-10-09 上班",
            }
        ),
    )
