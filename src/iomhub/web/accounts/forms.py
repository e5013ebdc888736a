"""Sign-in forms. Their messages never say whether the username exists or is locked."""

from __future__ import annotations

from django import forms

GENERIC_FAILURE = "Your username or password is not right, or the account is locked. Try again later."
CODE_FAILURE = "The code is not right, or it has been used already, or the account is locked."
NEEDS_LINK = ("Your account must set up a second factor before you can sign in. Open the enrolment link your "
              "administrator gave you (ask them for a new one if it has expired).")


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={
        "autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}))
    password = forms.CharField(max_length=1024, strip=False, widget=forms.PasswordInput(attrs={
        "autocomplete": "current-password"}))


class CodeForm(forms.Form):
    code = forms.CharField(label="Code from your authenticator app", max_length=12, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        help_text="Six digits. Each code can be used once.")


class PasswordForm(forms.Form):
    password = forms.CharField(max_length=1024, strip=False, widget=forms.PasswordInput(attrs={
        "autocomplete": "current-password"}))
