"""The enterprise's traceability forms: parse and check the input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaojian.core import regions
from yaojian.registry.choices import ProductKind
from yaojian.registry.models import Product
from yaojian.trace import uploads
from yaojian.trace.choices import PackageLevel, SiteKind
from yaojian.trace.models import CodeRule

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d")


def own_products(enterprise: Any):
    """Products the enterprise holds (as MAH) or makes: the ones it may file codes for."""
    return Product.objects.filter(Q(holder=enterprise) | Q(manufacturer=enterprise)).order_by(
        "name", "pk"
    )


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Product) -> str:
        parts = [obj.name, obj.strength, obj.approval_number or obj.get_kind_display()]
        return " · ".join(p for p in parts if p)


class CodeRuleForm(forms.Form):
    product = ProductChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        empty_label=_("Choose a product of your enterprise"),
        widget=forms.Select(attrs=SELECT),
    )
    code = forms.CharField(
        label=_("Product identifier or an example code"),
        max_length=512,
        help_text=_(
            "The 7-digit product identifier of the 20-digit drug traceability code, a GTIN, "
            "or one pack's code as scanned (the identifier is taken from it)."
        ),
        widget=forms.TextInput(attrs={**TEXT, "class": "form-control font-monospace"}),
    )
    package_level = forms.TypedChoiceField(
        label=_("Package level"),
        choices=PackageLevel.choices,
        coerce=int,
        initial=PackageLevel.UNIT,
        widget=forms.Select(attrs=SELECT),
    )
    units_per_package = forms.IntegerField(
        label=_("Units per package"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("For a case or pallet: how many packs (or cases) it holds."),
        widget=forms.NumberInput(attrs=TEXT),
    )
    package_spec = forms.CharField(
        label=_("Package specification"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )

    def __init__(self, *args: Any, enterprise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = own_products(enterprise)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        level, units = data.get("package_level"), data.get("units_per_package")
        if level and level != PackageLevel.UNIT and not units:
            self.add_error(
                "units_per_package", _("Say how many units a case or pallet of this code holds.")
            )
        return data


class SiteForm(forms.Form):
    identifier = forms.CharField(
        label=_("Identifier"),
        max_length=200,
        help_text=_(
            "A location's SGLN (urn:epc:id:sgln:…), GLN or Digital Link; or, for a party, the "
            "unified social credit code."
        ),
        widget=forms.TextInput(attrs={**TEXT, "class": "form-control font-monospace"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=SiteKind.choices,
        initial=SiteKind.SITE,
        widget=forms.Select(attrs=SELECT),
    )
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    address = forms.CharField(
        label=_("Address"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    region_code = forms.ChoiceField(
        label=_("Division"),
        required=False,
        help_text=_("Leave empty for your enterprise's division."),
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", "—")] + [
            (code, f"{code} {regions.full_name(code)}") for code in regions.divisions()
        ]

    def clean_identifier(self) -> str:
        return uploads.site_identifier(self.cleaned_data["identifier"])


class BatchForm(forms.Form):
    product_key = forms.ChoiceField(
        label=_("Product identifier"),
        widget=forms.Select(
            attrs={
                **SELECT,
                "hx-target": "#batch-form",
                "hx-select": "#batch-form",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
            }
        ),
    )
    batch_no = forms.CharField(
        label=_("Batch number"), max_length=40, widget=forms.TextInput(attrs=TEXT)
    )
    production_date = forms.DateField(label=_("Production date"), required=False, widget=DATE)
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DATE)
    herb_origin = forms.CharField(
        label=_("Herb origin"),
        max_length=200,
        required=False,
        help_text=_("Where the crude herb was grown or collected (province, county, base)."),
        widget=forms.TextInput(attrs=TEXT),
    )
    harvest_date = forms.DateField(label=_("Harvest date"), required=False, widget=DATE)
    processing = forms.CharField(
        label=_("Processing"),
        max_length=200,
        required=False,
        help_text=_("The processing method (for example 净制、切制、炒制) and the processor."),
        widget=forms.TextInput(attrs=TEXT),
    )
    inspection_report = forms.CharField(
        label=_("Inspection report number"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )

    TCM_FIELDS = ("herb_origin", "harvest_date", "processing", "inspection_report")

    def __init__(self, *args: Any, enterprise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = {
            rule.product_key: rule
            for rule in CodeRule.objects.filter(enterprise=enterprise, active=True).select_related(
                "product"
            )
        }
        self.fields["product_key"].widget.attrs["hx-get"] = reverse("trace:my_batch_new")
        self.fields["product_key"].choices = [("", _("Choose a filed product identifier"))] + [
            (key, f"{key} · {rule.product.name}") for key, rule in self.rules.items()
        ]

    def chosen_rule(self) -> CodeRule | None:
        key = self.data.get("product_key") if self.is_bound else self.initial.get("product_key")
        return self.rules.get(key or "")

    @property
    def is_tcm(self) -> bool:
        rule = self.chosen_rule()
        return bool(rule and rule.product.kind == ProductKind.TCM_PIECE)

    def main_fields(self) -> list:
        return [self[name] for name in self.fields if name not in self.TCM_FIELDS]

    def tcm_fields(self) -> list:
        return [self[name] for name in self.TCM_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.is_tcm:
            for name in ("herb_origin", "processing"):
                if not data.get(name):
                    self.add_error(name, _("A decoction piece's batch needs this."))
        else:
            for name in self.TCM_FIELDS:
                data[name] = None if name == "harvest_date" else ""
        return data


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"),
        choices=list(uploads.KINDS.items()),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Excel (.xlsx) or CSV in UTF-8 or GBK; the first row names the columns, in Chinese "
            "or English. At most 20 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".csv,.xlsx,text/csv"}
        ),
    )
