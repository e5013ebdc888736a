"""Users belong to one agency and have one role."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from iomhub.web.accounts import permissions
from iomhub.web.accounts.constants import AgencyCode, Role
from iomhub.web.audit.models import AuditedModel


class Agency(models.Model):
    """An organisation whose staff use iomhub. Only partners of the IOM unit see its records."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AgencyCode.choices, default=AgencyCode.OTHER)
    partner = models.BooleanField(default=True, help_text="A member of the IOM partnership.")
    health = models.BooleanField(default=False, help_text="Sees health information.")

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: one agency, one role."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users", null=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    sees_health = models.BooleanField(default=False, help_text="Granted health information.")
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_last_step = models.BigIntegerField(default=0)

    # For templates: each is the rule of ``accounts.permissions`` of the same meaning.
    @property
    def is_analyst(self) -> bool:
        return permissions.is_analyst(self)

    @property
    def is_administrator(self) -> bool:
        return permissions.administers(self)

    @property
    def imports_data(self) -> bool:
        return permissions.imports_data(self)

    @property
    def can_see_health(self) -> bool:
        return permissions.sees_health(self)

    @property
    def works_on_cases(self) -> bool:
        """Practitioners and managers of a partner agency see the shared record."""
        return permissions.works_on_cases(self)

    @property
    def sees_figures(self) -> bool:
        return permissions.sees_figures(self)

    @property
    def manages(self) -> bool:
        return permissions.manages(self)


class LoginAttempt(models.Model):
    """One attempt to sign in (password or second factor), kept to lock out guessing.

    ``username`` is the name as typed, lower-cased; ``address`` is the client address of
    :func:`iomhub.web.requests.client_address` (never a header the client chose).
    """

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "Signed in"
        FAILED = "failed", "Wrong password or code"
        LOCKED = "locked", "Refused: locked out"

    at = models.DateTimeField(db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    stage = models.CharField(max_length=10, default="password", help_text="password or totp")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.address} {self.outcome}"


class EnrolmentLink(AuditedModel):
    """A one-time link an administrator issues for a user's first sign-in with a second factor.

    Someone who must have a second factor and has none (an administrator at first, or after a
    reset) cannot set one up with the password alone: they open the link, then give the password.
    Only the token's SHA-256 is kept; the link works once, until ``expires_at``, and issuing a new
    one ends the old (``accounts.services.issue_enrolment_link``)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="enrolment_links")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.CharField(max_length=150)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
