"""The administration site: administrators only; the audit log read-only there."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import User
from iomhub.web.audit.models import AuditEvent

pytestmark = pytest.mark.urls("tests.web.accounts.urls_for_tests")
AGENCIES = ["own", "partner", "unrelated"]
AGENCY_IDS = ["own-agency", "partner-agency", "unrelated-agency"]


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
@pytest.mark.parametrize("url", ["/admin/", "/admin/accounts/user/", "/admin/accounts/agency/",
                                 "/admin/audit/auditevent/", "/admin/accounts/loginattempt/"],
                         ids=["index", "users", "agencies", "audit-log", "login-attempts"])
def test_administrators_get_in(who: str, url: str, make_user: Callable[..., User],
                               client_for: Callable[..., Any], nominal: Any) -> None:
    assert client_for(make_user(who, Role.ADMINISTRATOR)).get(url).status_code == 200


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER, Role.ANALYST],
                         ids=["practitioner", "manager", "analyst"])
def test_everyone_else_gets_a_logged_404(who: str, role: str, make_user: Callable[..., User],
                                         client_for: Callable[..., Any]) -> None:
    user = make_user(who, role, is_staff=True, is_superuser=True)  # Django's own flags do not let them in
    for url in ("/admin/", "/admin/accounts/user/", "/admin/audit/auditevent/"):
        response = client_for(user).get(url)
        assert response.status_code == 404 and b"Page not found" in response.content
    assert AuditEvent.objects.filter(operation="refusal", username=user.username, object_type="admin").count() == 3


def test_anonymous_users_are_sent_to_the_applications_sign_in(db: Any) -> None:
    response = Client().get("/admin/accounts/user/")
    assert response.status_code == 302
    follow = Client().get(response["Location"])
    assert follow.status_code == 302 and follow["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("method", "suffix"), [
    ("get", "add/"), ("post", "add/"), ("post", "{pk}/change/"), ("get", "{pk}/delete/"), ("post", "{pk}/delete/"),
], ids=["add-form", "add", "change", "delete-form", "delete"])
def test_the_audit_log_cannot_be_edited_in_the_admin(method: str, suffix: str, make_user: Callable[..., User],
                                                     client_for: Callable[..., Any], nominal: Any) -> None:
    event = AuditEvent.objects.latest("id")
    client = client_for(make_user("own", Role.ADMINISTRATOR))
    url = "/admin/audit/auditevent/" + suffix.format(pk=event.pk)
    response = getattr(client, method)(url, {"username": "tampered", "operation": "erasure"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).username == event.username
    page = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content and b"Delete" not in page.content


def test_the_admin_has_no_delete_action_for_users_or_agencies(make_user: Callable[..., User],
                                                              client_for: Callable[..., Any]) -> None:
    client = client_for(make_user("own", Role.ADMINISTRATOR))
    target = make_user("partner")
    assert client.post(f"/admin/accounts/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=target.pk).exists()


# --- the user pages an administrator works in (they answered 500: TemplateDoesNotExist) ----------


def test_the_user_add_page_shows_and_adds_a_user(make_user: Callable[..., User], client_for: Callable[..., Any],
                                                 agencies: Any) -> None:
    client = client_for(make_user("own", Role.ADMINISTRATOR))
    assert client.get("/admin/accounts/user/add/").status_code == 200
    response = client.post("/admin/accounts/user/add/", {
        "username": "new.officer", "password1": "a long enough passphrase 1", "password2": "a long enough passphrase 1",
        "agency": agencies["own"].pk, "role": Role.PRACTITIONER, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    added = User.objects.get(username="new.officer")
    assert added.agency == agencies["own"] and added.role == Role.PRACTITIONER
    assert AuditEvent.objects.filter(operation="collection", object_type="accounts.user",
                                     object_id=str(added.pk)).exists()


def _change_form(user: User) -> dict[str, Any]:
    return {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "agency": user.agency_id, "role": user.role,
            "is_active": "on" if user.is_active else "",
            "sees_health": "on" if user.sees_health else "", "totp_secret": user.totp_secret,
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"), "date_joined_1": "00:00:00"}


@pytest.mark.parametrize(("change", "check"), [
    ({"is_active": ""}, lambda u: not u.is_active),
    ({"role": Role.MANAGER}, lambda u: u.role == Role.MANAGER),
    ({"totp_secret": ""}, lambda u: u.totp_secret == ""),
], ids=["disable", "change-role", "reset-second-factor"])
def test_an_administrator_changes_a_user_in_the_admin(change: dict[str, Any], check: Callable[[User], bool],
                                                      make_user: Callable[..., User],
                                                      client_for: Callable[..., Any]) -> None:
    client = client_for(make_user("own", Role.ADMINISTRATOR))
    target = make_user("partner", totp_secret="JBSWY3DPEHPK3PXP")
    page = client.get(f"/admin/accounts/user/{target.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' in page.content
    response = client.post(f"/admin/accounts/user/{target.pk}/change/", {**_change_form(target), **change})
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert check(target)
    assert AuditEvent.objects.filter(operation="alteration", object_type="accounts.user",
                                     object_id=str(target.pk)).exists()


def test_an_administrator_issues_an_enrolment_link_in_the_admin(make_user: Callable[..., User],
                                                                client_for: Callable[..., Any]) -> None:
    from iomhub.web.accounts.models import EnrolmentLink

    client = client_for(make_user("own", Role.ADMINISTRATOR))
    target = make_user("partner", Role.ADMINISTRATOR, username="new.admin")
    response = client.post("/admin/accounts/user/", {"action": "issue_enrolment_links", "_selected_action":
                                                     [target.pk]}, follow=True)
    page = response.content.decode()
    found = re.search(r"http://testserver(/accounts/enrol/[^/]+/)", page)
    assert found, page[:3000]
    assert EnrolmentLink.objects.filter(user=target, used_at__isnull=True).count() == 1
    assert Client().get(found.group(1)).status_code == 200
