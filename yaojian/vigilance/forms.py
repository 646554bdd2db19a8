"""The adverse-reaction report form (medical institutions, enterprises and the public).

One reaction and up to three drugs per form (a suspect drug is required); further reactions
and drugs go in follow-ups or through the API and E2B.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yaojian.core import regions
from yaojian.vigilance import choices as c
from yaojian.vigilance import data as casedata

EMPTY = [("", "—")]


class ReportForm(forms.Form):
    patient_name = forms.CharField(label=_("Patient (name or initials)"), max_length=100)
    patient_sex = forms.ChoiceField(label=_("Sex"), choices=c.Sex.choices, required=False)
    patient_age = forms.DecimalField(
        label=_("Age (years)"), min_value=0, max_value=150, required=False
    )
    patient_birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    patient_weight = forms.DecimalField(
        label=_("Weight (kg)"), min_value=0, max_value=500, required=False
    )
    reaction_term = forms.CharField(label=_("Reaction (MedDRA term or code)"), max_length=250)
    reaction_code = forms.CharField(required=False, widget=forms.HiddenInput)
    onset = forms.DateField(label=_("Onset date"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=c.Outcome.choices, initial=c.Outcome.UNKNOWN
    )
    death = forms.BooleanField(label=c.SERIOUSNESS_CRITERIA[0][1], required=False)
    life_threatening = forms.BooleanField(label=c.SERIOUSNESS_CRITERIA[1][1], required=False)
    hospitalisation = forms.BooleanField(label=c.SERIOUSNESS_CRITERIA[2][1], required=False)
    disability = forms.BooleanField(label=c.SERIOUSNESS_CRITERIA[3][1], required=False)
    congenital_anomaly = forms.BooleanField(label=c.SERIOUSNESS_CRITERIA[4][1], required=False)
    other_medically_important = forms.BooleanField(
        label=c.SERIOUSNESS_CRITERIA[5][1], required=False
    )
    suspect_name = forms.CharField(label=_("Suspect drug (name as on the pack)"), max_length=250)
    suspect_approval = forms.CharField(label=_("Approval number"), max_length=100, required=False)
    suspect_batch = forms.CharField(label=_("Batch number"), max_length=100, required=False)
    dose = forms.DecimalField(label=_("Dose"), min_value=0, required=False)
    dose_unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    frequency = forms.IntegerField(
        label=_("Times per day"), min_value=1, max_value=24, required=False
    )
    route = forms.ChoiceField(
        label=pgettext_lazy("drug administration", "Route"),
        choices=EMPTY + list(c.Route.choices),
        required=False,
    )
    start = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    stop = forms.DateField(
        label=_("Stop date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    indication = forms.CharField(label=_("Reason for use"), max_length=250, required=False)
    action_taken = forms.ChoiceField(
        label=_("Action taken"), choices=EMPTY + list(c.ActionTaken.choices), required=False
    )
    dechallenge = forms.ChoiceField(
        label=_("Did the reaction abate after stopping?"),
        choices=EMPTY + list(c.Challenge.choices),
        required=False,
    )
    rechallenge = forms.ChoiceField(
        label=_("Did it recur on re-use?"),
        choices=EMPTY + list(c.Challenge.choices),
        required=False,
    )
    other_name = forms.CharField(label=_("Other drug"), max_length=250, required=False)
    other_role = forms.ChoiceField(
        label=_("Its role"),
        choices=[
            (c.DrugRole.CONCOMITANT, c.DrugRole.CONCOMITANT.label),
            (c.DrugRole.INTERACTING, c.DrugRole.INTERACTING.label),
        ],
        required=False,
    )
    causality = forms.ChoiceField(
        label=_("Your causality assessment"),
        choices=EMPTY + list(c.ChinaCausality.choices),
        required=False,
    )
    reporter_name = forms.CharField(label=_("Reporter"), max_length=100)
    reporter_qualification = forms.ChoiceField(
        label=_("Qualification"), choices=c.Qualification.choices
    )
    reporter_phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    reporter_organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    aware_date = forms.DateField(
        label=_("Date you learned of it"), widget=forms.DateInput(attrs={"type": "date"})
    )
    narrative = forms.CharField(
        label=_("What happened (course, treatment, outcome)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )

    def __init__(self, *args: Any, public: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if public:
            counties = [
                (r.code, regions.display_path(r.code))
                for city in regions.children(settings.YAOJIAN_PROVINCE_CODE)
                for r in regions.children(city.code)
            ]
            self.fields["region_code"] = forms.ChoiceField(
                label=_("Where it happened (county)"), choices=EMPTY + counties
            )
            self.fields["reporter_qualification"].initial = c.Qualification.CONSUMER
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("onset")
            and cleaned.get("aware_date")
            and cleaned["onset"] > cleaned["aware_date"]
        ):
            self.add_error("onset", _("The onset cannot be after the date you learned of it."))
        if cleaned.get("start") and cleaned.get("stop") and cleaned["start"] > cleaned["stop"]:
            self.add_error("stop", _("The stop date is before the start date."))
        return cleaned

    def to_data(self, *, report_id: str) -> dict[str, Any]:
        d = self.cleaned_data
        from yaojian.vigilance import selectors

        code, version, term = d.get("reaction_code") or "", "", d["reaction_term"]
        release = selectors.meddra_current()
        if code and release:
            version = release.version
        elif release:
            found = selectors.meddra_search(term, limit=1)
            if found and (
                found[0].name_zh == term
                or found[0].name.lower() == term.lower()
                or found[0].code == term
            ):
                code, version = found[0].code, release.version
        reaction = {
            "reported_term": term,
            "llt_code": code,
            "meddra_version": version,
            "onset": casedata.from_date(d["onset"]),
            "outcome": d["outcome"],
            **{f: bool(d.get(f)) for f in c.SERIOUSNESS_FIELDS},
        }
        dosage = {
            "dose": str(d["dose"]) if d.get("dose") is not None else "",
            "unit": d.get("dose_unit") or "",
            "frequency": "1" if d.get("frequency") else "",
            "frequency_unit": f"{24 // d['frequency']}h"
            if d.get("frequency") and 24 % d["frequency"] == 0
            else ("d" if d.get("frequency") else ""),
            "route": d.get("route") or "",
            "start": casedata.from_date(d.get("start")),
            "end": casedata.from_date(d.get("stop")),
        }
        drugs = [
            {
                "role": c.DrugRole.SUSPECT,
                "name": d["suspect_name"],
                "approval_number": d.get("suspect_approval") or "",
                "batch_number": d.get("suspect_batch") or "",
                "dosages": [dosage],
                "indication": d.get("indication") or "",
                "action_taken": d.get("action_taken") or "",
                "dechallenge": d.get("dechallenge") or "",
                "rechallenge": d.get("rechallenge") or "",
            }
        ]
        if d.get("other_name"):
            drugs.append(
                {"role": d.get("other_role") or c.DrugRole.CONCOMITANT, "name": d["other_name"]}
            )
        causalities = []
        if d.get("causality"):
            causalities.append(
                {
                    "drug": 0,
                    "reaction": 0,
                    "result": d["causality"],
                    "scale": "china",
                    "source": "Reporter",
                    "assessor_kind": "reporter",
                }
            )
        return {
            "safety_report_id": report_id,
            "report_type": c.ReportType.SPONTANEOUS,
            "first_received": casedata.from_date(d["aware_date"]),
            "most_recent": casedata.from_date(d["aware_date"]),
            "reporter_name": d["reporter_name"],
            "reporter_qualification": d["reporter_qualification"],
            "reporter_phone": d.get("reporter_phone") or "",
            "reporter_organisation": d.get("reporter_organisation") or "",
            "reporter_country": "CN",
            "patient_name": d["patient_name"],
            "patient_sex": d.get("patient_sex") or "",
            "patient_birth_date": casedata.from_date(d.get("patient_birth_date")),
            "patient_age": str(d["patient_age"]) if d.get("patient_age") is not None else "",
            "patient_age_unit": "a" if d.get("patient_age") is not None else "",
            "patient_weight": str(d["patient_weight"])
            if d.get("patient_weight") is not None
            else "",
            "narrative": d["narrative"],
            "reactions": [reaction],
            "drugs": drugs,
            "causalities": causalities,
        }


class CausalityForm(forms.Form):
    drug = forms.TypedChoiceField(label=_("Drug"), coerce=int)
    reaction = forms.TypedChoiceField(label=_("Reaction"), coerce=int)
    china = forms.ChoiceField(
        label=_("Chinese scale"), choices=EMPTY + list(c.ChinaCausality.choices), required=False
    )
    who_umc = forms.ChoiceField(
        label=_("WHO-UMC"), choices=EMPTY + list(c.WhoUmcCausality.choices), required=False
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args: Any, version=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if version is not None:
            self.fields["drug"].choices = [
                (d.position, f"{d.name} ({d.get_role_display()})") for d in version.drugs.all()
            ]
            self.fields["reaction"].choices = [
                (r.position, r.pt_name or r.reported_term) for r in version.reactions.all()
            ]

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("china") or cleaned.get("who_umc")):
            raise forms.ValidationError(_("Choose a grade on at least one scale."))
        return cleaned
