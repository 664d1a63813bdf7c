"""Polls in the admin, read-only.

Ballot and BallotChoice are deliberately not registered: the admin never shows what
was voted. Polls, their options and their rolls are shown but not changed here,
because every write goes through the services (state rules and the audit trail).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Entitlement, Option, Poll


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OptionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Option
    fields = ("position", "label")
    readonly_fields = fields
    extra = 0


@admin.register(Poll)
class PollAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "state", "owner_unit", "cluster", "body", "opened_at")
    list_filter = ("state", "kind", "verification")
    search_fields = ("title",)
    list_select_related = ("owner_unit", "cluster", "body")
    fields = (
        "title",
        "kind",
        "owner_unit",
        "cluster",
        "body",
        "max_choices",
        "quorum",
        "majority",
        "base",
        "verification",
        "state",
        "opened_at",
        "closed_at",
        "published_at",
        "result",
        "digest",
        "created_by",
    )
    readonly_fields = fields
    inlines = (OptionInline,)


@admin.register(Option)
class OptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("label", "poll", "position")
    search_fields = ("label", "poll__title")
    list_select_related = ("poll",)
    fields = ("poll", "label", "position")
    readonly_fields = fields


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The roll: who may vote and whether they have, never what."""

    list_display = ("poll", "voter", "unit", "weight", "voted")
    list_filter = ("voted",)
    search_fields = ("poll__title", "voter__username")
    list_select_related = ("poll", "voter", "unit")
    fields = ("poll", "voter", "unit", "weight", "voted")
    readonly_fields = fields
