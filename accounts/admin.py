"""Sign-in security for editors: failed sign-ins and lockouts, second factors, the record."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.template.response import TemplateResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment, services, twofactor
from accounts.models import AccountEvent, SignInLockout, StaffAccount


class EditorsOnlyAdmin(admin.ModelAdmin):
    """Visible to editors (and superusers) only; nothing is added or edited by hand."""

    def has_module_permission(self, request) -> bool:
        return services.may_manage_sign_in(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return services.may_manage_sign_in(request.user)

    def has_manage_permission(self, request) -> bool:
        return services.may_manage_sign_in(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SignInLockout)
class SignInLockoutAdmin(EditorsOnlyAdmin):
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    ordering = ["-attempt_time"]
    actions = ["unlock"]

    @admin.display(description="locked out", boolean=True)
    def locked(self, obj: SignInLockout) -> bool:
        return services.locked_out(obj)

    @admin.action(description="Unlock sign-in for the selected accounts", permissions=["manage"])
    def unlock(self, request, queryset) -> None:
        try:
            count = services.unlock_sign_in(actor=request.user, attempts=list(queryset))
        except PermissionDenied as err:
            self.message_user(request, str(err), messages.ERROR)
            return
        self.message_user(request, f"Unlocked {count} account/address pair(s).", messages.SUCCESS)


@admin.register(StaffAccount)
class StaffAccountAdmin(EditorsOnlyAdmin):
    list_display = ["username", "full_name", "role", "two_factor", "locked", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fields = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    readonly_fields = fields
    ordering = ["username"]
    actions = ["reset_two_factor", "issue_enrolment_link", "unlock"]

    def get_queryset(self, request):
        staff = super().get_queryset(request).filter(Q(is_staff=True) | Q(is_superuser=True))
        return staff.prefetch_related("groups").annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            is_locked=Exists(
                AccessAttempt.objects.filter(username=OuterRef("username")).filter(
                    services.locked_out_filter()
                )
            ),
        )

    @admin.display(description="name")
    def full_name(self, obj: StaffAccount) -> str:
        return obj.get_full_name()

    @admin.display(description="role")
    def role(self, obj: StaffAccount) -> str:
        return ", ".join(g.name for g in obj.groups.all()) or (
            "Superuser" if obj.is_superuser else "—"
        )

    @admin.display(description="two-factor")
    def two_factor(self, obj: StaffAccount) -> str:
        if obj.has_device:
            return "On"
        return "Required, not set up" if twofactor.required_for(obj) else "Off"

    @admin.display(description="locked out", boolean=True)
    def locked(self, obj: StaffAccount) -> bool:
        return obj.is_locked

    @admin.action(
        description="Reset two-factor authentication (lost phone)", permissions=["manage"]
    )
    def reset_two_factor(self, request, queryset) -> None:
        for member in queryset:
            try:
                services.reset_two_factor(actor=request.user, member=member)
            except (PermissionDenied, ValidationError) as err:
                text = err.messages[0] if isinstance(err, ValidationError) else str(err)
                self.message_user(request, text, messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Two-factor authentication reset for {member.get_username()}: they set "
                    "it up again at their next sign-in.",
                    messages.SUCCESS,
                )

    @admin.action(
        description="Issue a one-time two-factor enrolment link (member without email)",
        permissions=["manage"],
    )
    def issue_enrolment_link(self, request, queryset):
        members = list(queryset[:2])
        if len(members) != 1:
            self.message_user(request, "Choose one member at a time.", messages.ERROR)
            return None
        member = members[0]
        try:
            path = enrolment.issue_link(actor=request.user, member=member)
        except (PermissionDenied, enrolment.EnrolmentRefused) as err:
            self.message_user(request, str(err), messages.ERROR)
            return None
        # Shown on this page only, never in a message (messages may travel in a cookie).
        context = {
            **self.admin_site.each_context(request),
            "title": f"Enrolment link for {member.get_username()}",
            "member": member,
            "link": request.build_absolute_uri(path),
            "hours": settings.VETTED_ENROLMENT_LINK_HOURS,
        }
        response = TemplateResponse(request, "accounts/enrolment_link.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Unlock sign-in", permissions=["manage"])
    def unlock(self, request, queryset) -> None:
        usernames = [u.get_username() for u in queryset]
        attempts = list(SignInLockout.objects.filter(username__in=usernames))
        if not attempts:
            self.message_user(request, "None of them has failed sign-ins.", messages.INFO)
            return
        count = services.unlock_sign_in(actor=request.user, attempts=attempts)
        self.message_user(request, f"Unlocked {count} account/address pair(s).", messages.SUCCESS)


@admin.register(AccountEvent)
class AccountEventAdmin(EditorsOnlyAdmin):
    list_display = ["created_at", "kind", "username", "actor", "ip_address", "detail"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    search_fields = ["username", "detail"]
    date_hierarchy = "created_at"
    fields = ["seq", "created_at", "kind", "username", "actor", "ip_address", "detail"]
    readonly_fields = fields
