"""Codes of people records (``docs/spec/data-package.md``)."""

from django.db import models


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Flag(models.TextChoices):
    PPO = "ppo", "Prolific and priority offender"
    DYO = "dyo", "Deter young offender"
    DIP = "dip", "Drug interventions programme"
    MAPPA_1 = "mappa_1", "MAPPA level 1"
    MAPPA_2 = "mappa_2", "MAPPA level 2"
    MAPPA_3 = "mappa_3", "MAPPA level 3"
    TROUBLED_FAMILIES = "troubled_families", "Troubled families"
    GANGS = "gangs", "Gangs"
    FEMALE_PATHWAY = "female_pathway", "Female pathway"


class NoteVisibility(models.TextChoices):
    SHARED = "shared", "Shared with the partnership"
    OWN_AGENCY = "own_agency", "Own agency only"
    HEALTH = "health", "Health information"
