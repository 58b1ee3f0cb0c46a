"""The people's profiles: editors manage the board's and the writers'; a writer edits
their own."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from core.admin_widgets import SafeAutocompleteMixin
from people import roles
from people.models import ReviewerProfile, WriterProfile


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "credentials",
        "specialty",
        "is_active",
        "credentials_expire_on",
    ]
    list_filter = ["is_active", "specialty"]
    list_select_related = ["user"]
    search_fields = ["display_name", "specialty", "user__username"]
    autocomplete_fields = ["user"]
    prepopulated_fields = {"slug": ["display_name"]}


@admin.register(WriterProfile)
class WriterProfileAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """Editors manage every writer's public profile; a writer sees and edits their own."""

    list_display = ["printed_name", "job_title", "is_public", "updated_at"]
    list_filter = ["is_public"]
    search_fields = ["display_name", "user__username", "user__last_name"]
    autocomplete_fields = ["user"]
    prepopulated_fields = {"slug": ["display_name"]}
    fieldsets = [
        (None, {"fields": ["user", "display_name", "credentials", "job_title", "slug"]}),
        ("On the profile page", {"fields": ["bio", "expertise", "conflict_of_interest"]}),
        (None, {"fields": ["is_public"]}),
    ]

    @admin.display(description="name", ordering="display_name")
    def printed_name(self, obj: WriterProfile) -> str:
        return obj.printed_name

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request).select_related("user")
        if roles.is_editor(request.user) or request.user.is_superuser:
            return queryset
        return queryset.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        if roles.is_editor(request.user) or request.user.is_superuser:
            return []
        # Writers edit what they say about themselves; who the profile is and whether
        # it is shown are the editors' decisions.
        return ["user", "slug", "is_public"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if "slug" in self.get_readonly_fields(request, obj) else self.prepopulated_fields

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or roles.is_editor(request.user) or request.user.is_superuser:
            return True
        return obj.user_id == request.user.pk
