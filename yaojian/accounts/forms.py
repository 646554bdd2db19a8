from django import forms
from django.utils.translation import gettext_lazy as _

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.core import regions
from yaojian.registry.choices import EnterpriseKind


def _county_choices():
    """Counties grouped by city, for the registration form's jurisdiction field."""
    groups = []
    for city in regions.children_of_province():
        groups.append(
            (city.display_name, [(c.code, c.display_name) for c in regions.children(city.code)])
        )
    return [("", "—"), *groups]


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "username", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        ),
    )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Dynamic password or recovery code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        ),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class EnterpriseRegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Enterprise name (as on the business licence)"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"class": "form-control text-uppercase", "autocomplete": "off"}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=EnterpriseKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    legal_representative = forms.CharField(
        label=_("Legal representative"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    region_code = forms.ChoiceField(
        label=_("County or district"),
        choices=_county_choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    address = forms.CharField(
        label=_("Registered address"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "tel"}),
    )
    full_name = forms.CharField(
        label=_("Your name (administrator of the master account)"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )


class PublicRegistrationForm(forms.Form):
    contact = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "username"}),
    )
    full_name = forms.CharField(
        label=_("Name (optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )


RIGHT_CHOICES = [(r.value, r.label) for r in EnterpriseRight]


class SubaccountForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        help_text=_("The sub-account must change it at first login."),
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    rights = forms.MultipleChoiceField(
        label=_("Rights"),
        choices=RIGHT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class RightsForm(forms.Form):
    rights = forms.MultipleChoiceField(
        label=_("Rights"),
        choices=RIGHT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which system uses it, e.g. 'WMS warehouse server'."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    rights = forms.MultipleChoiceField(
        label=_("Rights"),
        choices=RIGHT_CHOICES,
        required=False,
        initial=[EnterpriseRight.VIEW, EnterpriseRight.TRACE],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class RegulatorForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    bureau_code = forms.ChoiceField(
        label=_("Bureau"), widget=forms.Select(attrs={"class": "form-select"})
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args, bureaus=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau_code"].choices = [(b.region_code, b.display_name) for b in bureaus]


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
