"""The administration site: agencies and users, for administrators only.

It is a site of its own (``admin_site``, served at ``/admin/``): only active users with the
administrator role get in (others get the generic 404, logged), and its sign-in page is the
application's own, with the lockout and the second factor. Changes to users are audited;
unticking "active" ends the user's sessions (:func:`iomhub.web.accounts.services.disable_user`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from iomhub.web.accounts import permissions
from iomhub.web.accounts.models import Agency, LoginAttempt, User
from iomhub.web.accounts.services import disable_user, enrolment_path, issue_enrolment_link
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import audited
from iomhub.web.requests import actor
from iomhub.web.visibility import refuse


def is_administrator(request: HttpRequest) -> bool:
    return permissions.administers(request.user)


class IomhubAdminSite(admin.AdminSite):
    site_header = "iomhub administration"
    site_title = "iomhub administration"
    index_title = "Accounts and agencies"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The application's sign-in (lockout, second factor), never the admin's own form."""
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.user.is_authenticated and not is_administrator(request):
                return refuse(request, "admin", request.path[:100])
            return inner(request, *args, **kwargs)

        guarded.admin_site = self  # type: ignore[attr-defined]
        return guarded


admin_site = IomhubAdminSite(name="admin")

if TYPE_CHECKING:
    UserAdminBase = BaseUserAdmin[User]
else:
    UserAdminBase = BaseUserAdmin


MAX_SEARCH = 200  # characters of an admin search: a longer LIKE pattern is refused by SQLite (a 500)


def bounded_search(queryset: Any, search_term: str, search: Any) -> tuple[Any, bool]:
    """The admin's search, refusing (finding nothing) a term longer than anyone types."""
    if len(search_term) > MAX_SEARCH:
        return queryset.none(), False
    result: tuple[Any, bool] = search(queryset, search_term)
    return result


class AdministratorsOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        return bounded_search(queryset, search_term,
                              lambda q, t: super(AdministratorsOnly, self).get_search_results(request, q, t))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are disabled, never deleted: the audit log refers to them

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data
                   if name not in ("password", "password1", "password2", "totp_secret")}
        if "totp_secret" in form.changed_data:
            changed["totp_secret"] = "reset" if not obj.totp_secret else "changed"
        with audited(actor(request)) as audit:
            super().save_model(request, obj, form, change)
            audit.record(Operation.ALTERATION if change else Operation.COLLECTION, obj, detail=changed)


@admin.register(Agency, site=admin_site)
class AgencyAdmin(AdministratorsOnly):
    list_display = ["name", "code", "kind", "partner", "health"]
    list_filter = ["kind", "partner", "health"]
    search_fields = ["name", "code"]


@admin.register(User, site=admin_site)
class UserAdmin(AdministratorsOnly, UserAdminBase):
    list_display = ["username", "first_name", "last_name", "agency", "role", "is_active", "last_login"]
    actions = ["issue_enrolment_links"]
    list_filter = ["role", "agency", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]
    readonly_fields = ["last_login", "date_joined", "totp_last_step"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("agency", "role", "sees_health", "is_active")}),
        ("Second factor", {"fields": ("totp_secret", "totp_last_step"),
                           "description": "Clear the secret to make the user set up a new one at next sign-in."}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "agency", "role")}),
    )

    @admin.action(description="Issue a second-factor enrolment link")
    def issue_enrolment_links(self, request: HttpRequest, queryset: Any) -> None:
        """A one-time link for each chosen user without a second factor (shown once, here: give
        it to the user by a channel other than their email if you can)."""
        for user in queryset.select_related("agency"):
            if user.totp_secret or not user.is_active:
                messages.warning(request, f"{user.username}: has a second factor already, or is disabled; no link "
                                          "issued (clear the second factor first to reset it)")
                continue
            token = issue_enrolment_link(actor(request), user)
            messages.success(request, f"{user.username}: enrolment link (works once, for "
                                      f"{settings.ENROLMENT_LINK_HOURS} hours): "
                                      f"{request.build_absolute_uri(enrolment_path(token))}")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        if change and "is_active" in form.changed_data and not obj.is_active:
            obj.is_active = True  # disable_user records the change and ends the sessions
            super().save_model(request, obj, form, change)
            disable_user(actor(request), obj, "disabled in the administration site")
            return
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Seen by administrators only; nobody adds, changes or deletes a row here (logs)."""

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        return bounded_search(queryset, search_term,
                              lambda q, t: super(ReadOnlyAdmin, self).get_search_results(request, q, t))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LoginAttempt, site=admin_site)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "address", "outcome", "stage"]
    list_filter = ["outcome", "stage"]
    search_fields = ["username", "address"]
