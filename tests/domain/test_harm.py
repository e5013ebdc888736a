"""The default gravity weights: one per offence category of the data package, sourced."""

from __future__ import annotations

from iomhub.domain import harm
from iomhub.domain.codes import OFFENCE_CATEGORIES
from iomhub.domain.selection import SelectionSettings


def test_one_weight_per_category_in_the_package_order() -> None:
    assert tuple(harm.DEFAULT_GRAVITY) == OFFENCE_CATEGORIES
    assert all(days > 0 for days in harm.DEFAULT_GRAVITY.values())


def test_the_gravest_and_lightest_categories() -> None:
    """CCHI medians: violence with injury and robbery 365 days, shoplifting 1."""
    weights = harm.DEFAULT_GRAVITY
    assert weights["violence_with_injury"] == weights["robbery"] == 365.0
    assert min(weights.values()) == weights["shoplifting"] == 1.0
    assert weights["fraud"] == weights["other"]  # no sourced figure: said so in its derivation
    assert "not a sourced figure" in harm.DERIVATION["fraud"][1]


def test_the_source_is_named() -> None:
    assert "Cambridge Crime Harm Index" in harm.SOURCE
    assert "Sherman, Neyroud and Neyroud" in (harm.__doc__ or "")


def test_settings_override_only_what_they_name() -> None:
    settings = SelectionSettings(gravity={"shoplifting": 4})
    assert settings.gravity["shoplifting"] == 4.0
    assert {k: v for k, v in settings.gravity.items() if k != "shoplifting"} == {
        k: v for k, v in harm.DEFAULT_GRAVITY.items() if k != "shoplifting"}
