"""Signing in (password, then the second factor), enrolling a second factor, signing out.

Between the password and the second factor the session holds only a *pending* sign-in (the
user's id, for five minutes): nothing is reachable until the second factor is checked. A user who
must have one but has none cannot set it up with the password alone: they open the one-time
enrolment link an administrator issued (``EnrolmentLink``), give the password there, and set
it up; the link is used up with it. ``login()`` gives the session a new id.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from iomhub.web.accounts import permissions, security, totp
from iomhub.web.accounts.forms import CODE_FAILURE, GENERIC_FAILURE, NEEDS_LINK, CodeForm, LoginForm, PasswordForm
from iomhub.web.accounts.models import EnrolmentLink, User
from iomhub.web.accounts.services import LinkUnusable, enrol_totp
from iomhub.web.audit.context import Actor
from iomhub.web.requests import client_address

PENDING = "iomhub_pending"
ENROL_SECRET = "iomhub_enrol_secret"
PENDING_SECONDS = 300


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _pending(request: HttpRequest, stage: str) -> tuple[User, dict[str, Any]] | None:
    """The user whose password was right and who now owes a code (``stage`` 'verify' or 'enrol')."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("stage") != stage:
        return None
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).select_related("agency").first()
    if user is None or user.agency_id is None:
        request.session.pop(PENDING, None)
        return None
    return user, pending


def _complete(request: HttpRequest, user: User, next_url: str, second_factor: bool) -> HttpResponse:
    request.session.pop(PENDING, None)
    request.session.pop(ENROL_SECRET, None)
    for key in ("iomhub_started", "iomhub_seen"):  # the session limits start again
        request.session.pop(key, None)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])  # a new session id
    request.session["iomhub_second_factor"] = second_factor
    security.record_success(request, user, second_factor)
    return HttpResponseRedirect(next_url)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and request.method != "POST":
        return HttpResponseRedirect(next_url)
    form = LoginForm(request.POST or None)
    failed = False
    if request.method == "POST":
        if not form.is_valid():
            failed = True
        else:
            username, password = form.cleaned_data["username"], form.cleaned_data["password"]
            if security.is_locked(username, client_address(request)):
                security.record_refused_while_locked(request, username)
                failed = True
            else:
                user = authenticate(request, username=username, password=password)
                if not isinstance(user, User):
                    security.record_failure(request, username, "password")
                    failed = True
                elif user.totp_secret:
                    request.session.pop(ENROL_SECRET, None)
                    request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": next_url,
                                                "stage": "verify"}
                    return redirect("accounts:verify")
                elif totp.required_for(user):  # no second factor yet: only through an enrolment link
                    security.record_needs_link(request, user)
                    return render(request, "accounts/login.html", {
                        "form": LoginForm(), "failed": True, "failure": NEEDS_LINK, "next": next_url})
                else:
                    return _complete(request, user, next_url, second_factor=False)
    return render(request, "accounts/login.html", {
        "form": form, "failed": failed, "failure": GENERIC_FAILURE, "next": next_url},
        status=200)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def enrol_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The first step of a first sign-in with a second factor: the one-time link an administrator
    issued (``EnrolmentLink``), then the password; then the second factor is set up
    (``enrol_view``), and the link is used up with it."""
    link = EnrolmentLink.objects.filter(token_hash=EnrolmentLink.hash(token)).select_related("user").first()
    if link is None or not link.usable or not link.user.is_active or link.user.totp_secret:
        return render(request, "accounts/link.html", {"unusable": True}, status=404)
    user = link.user
    form = PasswordForm(request.POST if request.method == "POST" else None)
    failed = False
    if request.method == "POST":
        address = client_address(request)
        if not form.is_valid():
            failed = True
        elif security.is_locked(user.get_username(), address):
            security.record_refused_while_locked(request, user.get_username())
            failed = True
        elif authenticate(request, username=user.get_username(), password=form.cleaned_data["password"]) != user:
            security.record_failure(request, user.get_username(), "password", user)
            failed = True
        else:
            request.session.pop(ENROL_SECRET, None)
            request.session[PENDING] = {"user": user.pk, "at": time.time(), "stage": "enrol", "link": link.pk,
                                        "next": resolve_url(settings.LOGIN_REDIRECT_URL)}
            return redirect("accounts:enrol")
    return render(request, "accounts/link.html", {"form": form, "failed": failed, "failure": GENERIC_FAILURE,
                                                  "username": user.get_username(), "expires": link.expires_at},
                  status=200)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    found = _pending(request, "verify")
    if found is None:
        return redirect("accounts:login")
    user, pending = found
    form = CodeForm(request.POST or None)
    failed = False
    if request.method == "POST":
        code = form.data.get("code", "")
        if security.is_locked(user.get_username(), client_address(request)):
            security.record_refused_while_locked(request, user.get_username())
            failed = True
        elif totp.consume(user, str(code)):
            return _complete(request, user, str(pending.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)),
                             second_factor=True)
        else:
            security.record_failure(request, user.get_username(), "totp", user)
            failed = True
    return render(request, "accounts/verify.html", {"form": form, "failed": failed, "failure": CODE_FAILURE})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Set up the second factor: during sign-in when it is compulsory, or later by choice."""
    found = None if request.user.is_authenticated else _pending(request, "enrol")
    if found is None and not request.user.is_authenticated:
        return redirect("accounts:login")
    user: User = found[0] if found else request.user  # type: ignore[assignment]
    if user.totp_secret:
        messages.info(request, "Your account already has a second factor.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    secret = request.session.get(ENROL_SECRET)
    if not isinstance(secret, str) or not secret:
        secret = request.session[ENROL_SECRET] = totp.new_secret()
    form = CodeForm(request.POST or None)
    failed = False
    if request.method == "POST":
        address = client_address(request)
        if found and security.is_locked(user.get_username(), address):
            security.record_refused_while_locked(request, user.get_username())
            failed = True
        else:
            step = totp.matching_step(secret, str(form.data.get("code", "")))
            link_id = found[1].get("link") if found else None
            if found and not isinstance(link_id, int):  # a pending enrolment comes only through a link
                return redirect("accounts:login")
            if step is not None:
                try:
                    enrol_totp(Actor.of(user, address), user, secret, step,
                               link=EnrolmentLink(pk=link_id) if found else None)
                except LinkUnusable:
                    request.session.pop(PENDING, None)
                    return render(request, "accounts/link.html", {"unusable": True}, status=404)
                if found:
                    next_url = str(found[1].get("next") or resolve_url(settings.LOGIN_REDIRECT_URL))
                    return _complete(request, user, next_url, second_factor=True)
                request.session.pop(ENROL_SECRET, None)
                request.session["iomhub_second_factor"] = True
                messages.info(request, "Your second factor is set up. You will be asked for a code when you sign in.")
                return redirect(settings.LOGIN_REDIRECT_URL)
            if found:
                security.record_failure(request, user.get_username(), "totp", user)
            failed = True
    return render(request, "accounts/enrol.html", {
        "form": form, "failed": failed, "failure": CODE_FAILURE, "secret": secret,
        "grouped_secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "uri": totp.provisioning_uri(secret, user.get_username()), "compulsory": totp.required_for(user)})


@require_POST
@csrf_protect
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        security.record_sign_out(request, request.user, "signed out")
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@never_cache
def account_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html", {"totp_required": totp.required_for(request.user)})  # type: ignore[arg-type]


def home(request: HttpRequest) -> HttpResponse:
    """``/``: each user's own start page (``permissions.landing_page``); anonymous visitors sign in."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return redirect(permissions.landing_page(request.user))


@login_required
def outside(request: HttpRequest) -> HttpResponse:
    """The start page of someone whose agency is outside the IOM partnership: what they can do."""
    return render(request, "accounts/outside.html", {"in_partnership": permissions.in_partnership(request.user)})
