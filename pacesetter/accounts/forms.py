"""The profile's form (the password change uses Django's own)."""

from __future__ import annotations

from django import forms

from .models import User
from .services import PROFILE_FIELDS


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = PROFILE_FIELDS
