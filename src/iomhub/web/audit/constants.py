"""What an audit row records (Data Protection Act 2018 s.62: the logging of processing)."""

from django.db import models


class Operation(models.TextChoices):
    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"
    REFUSAL = "refusal", "Refusal"
    SIGN_IN = "sign_in", "Sign-in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    LOCKOUT = "lockout", "Lockout"
    SIGN_OUT = "sign_out", "Sign-out"


# The kinds of processing that change the data (a consultation, disclosure or refusal reads them).
CHANGES = frozenset({Operation.COLLECTION, Operation.ALTERATION, Operation.ERASURE})
