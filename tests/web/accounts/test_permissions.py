"""Every access rule is one predicate of ``iomhub.web.accounts.permissions``, and no other module
decides access by comparing a role or reading an agency's partnership or health flag."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from iomhub.web.accounts import permissions
from iomhub.web.accounts.constants import Role

WEB = Path(permissions.__file__).resolve().parents[1]


@dataclass
class FakeAgency:
    kind: str
    partner: bool = True
    health: bool = False


@dataclass
class FakeUser:
    """The attributes the predicates read; no database needed."""

    role: str
    agency: FakeAgency | None
    sees_health: bool = False
    is_active: bool = True
    is_authenticated: bool = True


POLICE, HOUSING, DRUGS = FakeAgency("police"), FakeAgency("other", partner=False), FakeAgency("drugs_service",
                                                                                               health=True)
P, M, A, D = Role.PRACTITIONER, Role.MANAGER, Role.ANALYST, Role.ADMINISTRATOR

# (user, works_on_cases, sees_health, works_on_health, sees_figures, edits_plans, administers), by hand
CASES: list[tuple[str, FakeUser, tuple[bool, ...]]] = [
    ("police-practitioner", FakeUser(P, POLICE), (True, False, False, True, False, False)),
    ("police-manager", FakeUser(M, POLICE), (True, False, False, True, True, False)),
    ("police-analyst", FakeUser(A, POLICE), (False, False, False, True, False, False)),
    ("police-administrator", FakeUser(D, POLICE), (False, False, False, True, True, True)),
    ("police-practitioner-granted-health", FakeUser(P, POLICE, sees_health=True), (True, True, True, True, False,
                                                                                   False)),
    ("drugs-practitioner", FakeUser(P, DRUGS), (True, True, True, True, False, False)),
    ("drugs-analyst", FakeUser(A, DRUGS), (False, True, False, True, False, False)),
    ("housing-practitioner", FakeUser(P, HOUSING), (False, False, False, False, False, False)),
    ("housing-manager", FakeUser(M, HOUSING), (False, False, False, False, False, False)),
    ("housing-administrator", FakeUser(D, HOUSING), (False, False, False, False, False, True)),
    ("disabled-manager", FakeUser(M, POLICE, is_active=False), (False, False, False, False, False, False)),
    ("disabled-administrator", FakeUser(D, POLICE, is_active=False), (False, False, False, False, False, False)),
    ("no-agency-practitioner", FakeUser(P, None), (False, False, False, False, False, False)),
    ("anonymous", FakeUser("", None, is_active=False, is_authenticated=False),
     (False, False, False, False, False, False)),
]


@pytest.mark.parametrize(("user", "expected"), [(u, e) for _, u, e in CASES], ids=[name for name, _, _ in CASES])
def test_each_rule_for_each_kind_of_user(user: FakeUser, expected: tuple[bool, ...]) -> None:
    got = (permissions.works_on_cases(user), permissions.sees_health(user), permissions.works_on_health(user),
           permissions.sees_figures(user), permissions.edits_plans(user), permissions.administers(user))
    assert got == expected


@pytest.mark.parametrize(("user", "owner", "expected"), [
    (FakeUser(P, POLICE), "police", True),
    (FakeUser(P, POLICE), "nps", False),
    (FakeUser(M, POLICE), "nps", True),
    (FakeUser(A, POLICE), "police", True),
    (FakeUser(P, DRUGS), "police", False),
    (FakeUser(P, FakeAgency("nps")), "probation", True),
    (FakeUser(P, FakeAgency("probation")), "crc", True),
    (FakeUser(P, FakeAgency("nps")), "police", False),
], ids=["own-agency", "other-agency", "manager-of-another", "analyst-of-the-owner", "drugs-for-police",
        "nps-for-the-probation-service", "probation-for-a-crc-action", "nps-for-police"])
def test_who_completes_an_action(user: FakeUser, owner: str, expected: bool) -> None:
    assert permissions.completes_action(user, owner) is expected


@pytest.mark.parametrize(("role", "for_all", "expected"), [
    (D, False, True), (P, False, False), (P, True, True)], ids=["administrator", "practitioner", "all-required"])
def test_who_needs_a_second_factor(role: str, for_all: bool, expected: bool, settings: Any) -> None:
    settings.TOTP_REQUIRED_FOR_ALL = for_all
    assert permissions.needs_second_factor(FakeUser(role, POLICE)) is expected


# --- no access rule anywhere else ----------------------------------------------------------------

ALLOWED = {"accounts/permissions.py", "accounts/constants.py", "demo.py"}


def access_decisions(tree: ast.AST) -> list[int]:
    """Lines that compare a role (``x.role == ...``, ``... in (Role.MANAGER, ...)``) or read an
    agency's ``partner`` or ``health`` flag: access decisions that belong in permissions."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for operand in operands:
                names = list(ast.walk(operand))
                if any(isinstance(n, ast.Attribute) and n.attr == "role" for n in names) or any(
                        isinstance(n, ast.Name) and n.id == "Role" for n in names) or any(
                        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "getattr"
                        and any(isinstance(a, ast.Constant) and a.value == "role" for a in n.args) for n in names):
                    found.append(node.lineno)
                    break
        elif isinstance(node, ast.Attribute) and node.attr in ("partner", "health") and isinstance(
                node.ctx, ast.Load) and not (isinstance(node.value, ast.Name) and node.value.id == "models"):
            found.append(node.lineno)
    return found


def modules() -> list[Path]:
    return sorted(p for p in WEB.rglob("*.py") if "migrations" not in p.parts
                  and str(p.relative_to(WEB)) not in ALLOWED)


def test_no_module_outside_permissions_decides_access() -> None:
    offenders = {str(p.relative_to(WEB)): lines for p in modules()
                 if (lines := access_decisions(ast.parse(p.read_text(encoding="utf-8"))))}
    assert offenders == {}, "compare roles or read agency flags only in accounts/permissions.py"


@pytest.mark.parametrize("source", [
    "ok = user.role == 'manager'",
    "ok = getattr(user, 'role', None) in (Role.MANAGER, Role.ADMINISTRATOR)",
    "ok = getattr(user, 'role', None) in EDITORS",
    "ok = request.user.agency.partner",
    "ok = user.agency.health or user.sees_health",
], ids=["role-equals", "role-in", "getattr-role-in-a-name", "agency-partner", "agency-health"])
def test_the_scan_finds_an_access_decision(source: str) -> None:
    assert access_decisions(ast.parse(source)) != []
