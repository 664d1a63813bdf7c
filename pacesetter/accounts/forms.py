"""The profile's form (the password change uses Django's own)."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import User
from .services import PROFILE_FIELDS


class ProfileForm(forms.ModelForm[User]):
    #: The profile's version when the page was opened: a stale one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.profile_version

    class Meta:
        model = User
        fields = PROFILE_FIELDS
