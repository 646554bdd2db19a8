"""The forms of a case's steps; the pages and the API's action endpoint parse with them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yaojian.enforcement import provisions
from yaojian.enforcement.choices import (
    Discretion,
    EvidenceKind,
    ExtensionLevel,
    PartyKind,
    PauseReason,
    PaymentMode,
)

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}
CHECK = {"class": "form-check-input"}


def _date(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )


def _text(label, required=True, rows=3, max_length=20000, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={**TEXT, "rows": rows}),
    )


def _money(label, required=False, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )


class EmptyForm(forms.Form):
    pass


class OfficersMixin:
    def set_officers(self, officers) -> None:
        self.fields["officers"].choices = [
            (u.pk, f"{u.full_name or u.username}（{u.bureau.name if u.bureau_id else ''}）")
            for u in officers
        ]


class ProposeForm(OfficersMixin, forms.Form):
    title = forms.CharField(
        label=_("Case"),
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("e.g. 涉嫌销售劣药案"),
    )
    facts = _text(_("Facts found so far"), required=False, rows=4)
    party_kind = forms.ChoiceField(
        label=_("Party"), choices=PartyKind.choices, widget=forms.Select(attrs=SELECT)
    )
    party_name = forms.CharField(
        label=_("Party's name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("Empty: the enterprise's registered name."),
    )
    party_id_number = forms.CharField(
        label=_("Resident ID number (natural persons)"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    provision = forms.ChoiceField(
        label=_("Suspected breach of"), required=False, widget=forms.Select(attrs=SELECT)
    )
    goods_value = _money(_("Value of the goods (货值金额, yuan)"))
    officers = forms.TypedMultipleChoiceField(
        label=_("Case officers (at least two)"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provision"].choices = [("", "—"), *provisions.choices()]
        self.set_officers(officers)


class ReasonsForm(forms.Form):
    reasons = _text(_("Reasons"))


class ReasonForm(forms.Form):
    reason = _text(_("Reason"))


class NoteForm(forms.Form):
    note = _text(_("Note"), required=False, rows=2)


class RequiredNoteForm(forms.Form):
    note = _text(_("Note"), rows=2)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=EvidenceKind.choices, widget=forms.Select(attrs=SELECT)
    )
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    collected_on = _date(_("Collected on"))
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    note = _text(_("Note"), required=False, rows=2)


class PauseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why the clock stops"),
        choices=[c for c in PauseReason.choices if c[0] != PauseReason.HEARING],
        widget=forms.Select(attrs=SELECT),
    )
    start = _date(_("From"))
    note = _text(_("Note"), required=False, rows=2)


class ResumeForm(forms.Form):
    end = _date(_("Last day excluded"))


class ExtensionForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Approved by"), choices=ExtensionLevel.choices, widget=forms.Select(attrs=SELECT)
    )
    days = forms.IntegerField(
        label=_("Days (collective discussion only)"),
        required=False,
        min_value=1,
        max_value=365,
        widget=forms.NumberInput(attrs=TEXT),
    )
    reason = _text(
        _("Reason"), help_text=_("For a collective discussion: the meeting and its conclusion.")
    )


class PenaltyForm(forms.Form):
    provision = forms.ChoiceField(label=_("Legal provision"), widget=forms.Select(attrs=SELECT))
    discretion = forms.ChoiceField(
        label=_("Discretion"), choices=Discretion.choices, widget=forms.Select(attrs=SELECT)
    )
    goods_value = _money(_("Value of the goods (货值金额, yuan)"))
    fine = _money(_("Fine (yuan)"))
    confiscated_income = _money(_("Illegal income confiscated (yuan)"))
    confiscated_goods = forms.CharField(
        label=_("Goods confiscated"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    warning = forms.BooleanField(
        label=_("Warning"), required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )
    public_criticism = forms.BooleanField(
        label=_("Public criticism (通报批评)"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    licence_revoked = forms.BooleanField(
        label=_("Revoke the licence"), required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provision"].choices = provisions.choices()

    def penalty(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("fine", "confiscated_income"):
            data[name] = data.get(name) or 0
        return {
            key: data.get(key)
            for key in (
                "provision",
                "discretion",
                "goods_value",
                "fine",
                "confiscated_income",
                "confiscated_goods",
                "warning",
                "public_criticism",
                "licence_revoked",
            )
        }


class NotifyForm(PenaltyForm):
    served_on = _date(_("Served on"))
    facts = _text(_("Facts found"), required=False, rows=4)


class DecideForm(PenaltyForm):
    reasons = _text(_("Reasons for the discretion"), rows=3)
    text = _text(_("Text of the decision"), required=False, rows=4)


class HearingRecordRequestForm(forms.Form):
    requested_on = _date(_("Request received on"))


class HearingScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Hearing on"),
        widget=forms.DateTimeInput(
            attrs={**TEXT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    place = forms.CharField(label=_("Place"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    host = forms.CharField(
        label=_("Hearing officer"), max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    notice_sent_on = _date(_("Notice sent on"))


class HearingFinishForm(forms.Form):
    held_on = _date(_("Held on"))
    record = _text(_("Hearing record"), rows=4, max_length=50000)
    outcome = _text(_("Opinion of the hearing officer"), rows=2)


class PaymentForm(forms.Form):
    amount = _money(_("Amount (yuan)"), required=True)
    paid_on = _date(_("Paid on"))
    reference = forms.CharField(
        label=_("Receipt or bank reference"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )


class ExecutionForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Execution"),
        choices=[
            (mode, label)
            for mode, label in PaymentMode.choices
            if mode in ("instalments", "deferred", "court")
        ],
        widget=forms.Select(attrs=SELECT),
    )
    until = _date(_("New last day of payment"), required=False)
    note = _text(_("Reasons"), rows=2)


class TransferForm(forms.Form):
    bureau_code = forms.ChoiceField(label=_("Competent bureau"), widget=forms.Select(attrs=SELECT))
    reason = _text(_("Why the case is not ours"))

    def __init__(self, *args, bureaus=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau_code"].choices = [(b.region_code, b.name) for b in bureaus]


class AcceptTransferForm(OfficersMixin, forms.Form):
    officers = forms.TypedMultipleChoiceField(
        label=_("Case officers (at least two)"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = _text(_("Note"), required=False, rows=2)

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_officers(officers)


class RemovalDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve: remove the publication now")), ("0", _("Refuse"))],
        coerce=lambda v: v in ("1", True, "true"),
        widget=forms.Select(attrs=SELECT),
    )
    note = _text(_("Reasons"), rows=2)


class StatementForm(forms.Form):
    text = _text(_("Your statement and defence"), rows=6)
    waives_rest = forms.BooleanField(
        label=_("I waive my remaining rights (further statements, a hearing) in this case"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )


class SourceForm(forms.Form):
    """A clue registered by hand (a referral, a report from elsewhere)."""

    enterprise = forms.CharField(
        label=_("Enterprise (unified social credit code)"),
        max_length=18,
        widget=forms.TextInput(attrs=TEXT),
    )
    source_kind = forms.ChoiceField(label=_("Source"), widget=forms.Select(attrs=SELECT))
    source_ref = forms.CharField(
        label=_("Reference"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    summary = _text(_("Summary of the clue"), rows=4)
    found_on = _date(_("Found on"))

    def __init__(self, *args, **kwargs):
        from yaojian.enforcement.choices import SourceKind

        super().__init__(*args, **kwargs)
        self.fields["source_kind"].choices = SourceKind.choices
