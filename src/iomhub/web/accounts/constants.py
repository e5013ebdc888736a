"""Agencies and roles."""

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    ANALYST = "analyst", "Analyst"
    ADMINISTRATOR = "administrator", "Administrator"


class AgencyCode(models.TextChoices):
    """The agencies of the data package (``referring_agency``, ``attendance.agency``)."""

    POLICE = "police", "Police"
    NPS = "nps", "National Probation Service"
    CRC = "crc", "Community Rehabilitation Company"
    PROBATION = "probation", "Probation"
    YOS = "yos", "Youth Offending Service"
    PRISON = "prison", "Prison"
    DRUGS_SERVICE = "drugs_service", "Drug and alcohol service"
    COUNCIL = "council", "Council"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"
