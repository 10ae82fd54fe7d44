"""Forms for login, user accounts and role assignments."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from donghanh.accounts.models import API_TOKEN_LIFETIMES, User
from donghanh.accounts.roles import Role

# Longer than any passphrase; bounds what a password field takes (and the work of hashing it).
PASSWORD_MAX_LENGTH = 256
# Said beside a password an administrator types.
SET_BY_ADMINISTRATOR = _("The user must change it at their next login.")


def password_fields_bound(form: forms.BaseForm) -> None:
    """Django's password forms, as ours: each password at most PASSWORD_MAX_LENGTH characters, Bootstrap inputs."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.PasswordInput) and getattr(field, "max_length", None) is None:
            field.max_length = PASSWORD_MAX_LENGTH  # type: ignore[attr-defined]
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
            field.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)
        field.widget.attrs["class"] = "form-control"


class LoginForm(AuthenticationForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Wrong user name or password. Both are case-sensitive."),
        "inactive": _("This account is deactivated."),
    }


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use only letters, digits and . @ + - _ (no spaces).")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput,
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        help_text=SET_BY_ADMINISTRATOR,
    )
    password_again = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput,
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class UserEditForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "is_active"]
        labels = {"is_active": _("Account active (may log in)")}


class PasswordSetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput,
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        help_text=SET_BY_ADMINISTRATOR,
    )


class PasswordResetRequestForm(PasswordResetForm):
    """The e-mail address of the account whose password is forgotten."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"class": "form-control", "autocapitalize": "none"})


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """The new password, twice, under the password rules: the page a reset link opens."""

    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=_("New password confirmation"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        password_fields_bound(self)


class RoleAssignmentForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,  # the units the acting user may see, given by the view
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose a unit from the search results.")},
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


def _lifetime_choices() -> list[tuple[int, str]]:
    days = sorted({*API_TOKEN_LIFETIMES, settings.API_TOKEN_DAYS})
    return [(d, ngettext("%(days)d day", "%(days)d days", d) % {"days": d}) for d in days]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, such as the program that will use it."),
    )
    days = forms.TypedChoiceField(label=_("Valid for"), coerce=int, choices=_lifetime_choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.API_TOKEN_DAYS


class SecondFactorCodeForm(forms.Form):
    """The second step of logging in, and the confirmation of a new authenticator app."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        error_messages={"required": _("Enter the 6-digit code from your app, or a recovery code.")},
    )
