"""Outcomes of the single referral meeting, as offered on the decision page."""

from django.db import models


class Outcome(models.TextChoices):
    ACCEPT = "accept", "Accept onto IOM"
    REJECT = "reject", "Do not accept"
    MAPPA = "mappa", "Refer on to MAPPA"


MAPPA_REASON = "Referred on to MAPPA"
