"""What an offence costs society: the Home Office's unit costs of crime, per offence category.

Source: Heeks, Reed, Tafsiri and Prince (2018), *The economic and social costs of crime*,
second edition, Home Office Research Report 99, Table 1 ("Unit costs of crimes by category"),
in 2015/16 prices. A unit cost adds up the costs in anticipation of crime (defensive
expenditure, insurance administration), as a consequence of it (property stolen and damaged,
physical and emotional harm to the victim, lost output, health and victim services) and in
response to it (police and the rest of the criminal justice system), for an average crime of
its kind, whether or not it was recorded.

The data package's 16 offence categories are broader or narrower than the report's; each
mapping is named below. Where the report publishes no unit cost (drugs, possession of
weapons, public order, fraud and "other" offences: crimes "without a direct victim" are
outside its scope) or where iomhub carries no figure for it (crimes against businesses:
commercial burglary, shoplifting), the category is *not valued*: its offences are counted as
such, never given a made-up price. A unit can set or replace any category's cost in the
``[costs]`` table of package.toml (category = pounds).

Checked against a published quotation of Table 1: violence with injury, rape, other sexual
offences, robbery, theft of and from a vehicle, arson and other criminal damage. Not checked
against a copy of the table when this was written (no copy was at hand): violence without
injury (5,930), domestic burglary (5,930) and personal theft (1,400); check them against
Table 1 and set ``[costs]`` if they differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from iomhub.domain.codes import OFFENCE_CATEGORIES

SOURCE = ("Heeks, Reed, Tafsiri and Prince (2018), The economic and social costs of crime, second "
          "edition, Home Office Research Report 99, Table 1, 2015/16 prices")
PRICE_BASE = "2015/16 prices"


@dataclass(frozen=True)
class UnitCost:
    """The cost of one offence of a category in pounds (None: not valued) and where it comes from."""

    category: str
    pounds: float | None
    basis: str


PUBLISHED: dict[str, UnitCost] = {cost.category: cost for cost in (
    UnitCost("violence_with_injury", 14_050, "Violence with injury"),
    UnitCost("violence_without_injury", 5_930, "Violence without injury"),
    UnitCost("sexual", 6_520, "Other sexual offences (rape, 39,360, cannot be told apart in the "
                              "category, so the lower cost is used)"),
    UnitCost("robbery", 11_320, "Robbery (of individuals)"),
    UnitCost("burglary_residential", 5_930, "Domestic burglary"),
    UnitCost("burglary_business", None, "not valued: commercial burglary is a crime against "
                                        "businesses, for which iomhub carries no unit cost"),
    UnitCost("vehicle", 870, "Theft from vehicle (theft of a vehicle, 10,290, cannot be told apart "
                             "in the category, so the lower cost is used)"),
    UnitCost("theft_from_person", 1_400, "Theft (theft from the person and other personal theft)"),
    UnitCost("shoplifting", None, "not valued: shoplifting is a crime against businesses, for "
                                  "which iomhub carries no unit cost"),
    UnitCost("other_theft", 1_400, "Theft (other theft of personal property)"),
    UnitCost("criminal_damage", 1_350, "Criminal damage other than arson (arson, 8,420, cannot "
                                       "be told apart in the category)"),
    UnitCost("drugs", None, "not valued: no published unit cost (no direct victim)"),
    UnitCost("weapons", None, "not valued: no published unit cost (no direct victim)"),
    UnitCost("public_order", None, "not valued: no published unit cost"),
    UnitCost("fraud", None, "not valued: no unit cost per recorded offence in Table 1"),
    UnitCost("other", None, "not valued: too mixed a category to price"),
)}

assert set(PUBLISHED) == set(OFFENCE_CATEGORIES)


def unit_costs(overrides: Mapping[str, float] | None = None) -> dict[str, float | None]:
    """The cost per offence of every category: the published figure, or the package's own.

    ``overrides`` (from package.toml's ``[costs]``) replace or add figures; a category neither
    published nor overridden maps to None (not valued).
    """
    costs: dict[str, float | None] = {name: cost.pounds for name, cost in PUBLISHED.items()}
    for name, pounds in (overrides or {}).items():
        if name not in costs:
            raise ValueError(f"{name!r} is not an offence category")
        costs[name] = float(pounds)
    return costs


def basis(category: str, overrides: Mapping[str, float] | None = None) -> str:
    """Where a category's cost comes from, in words (for the report's notes and tables)."""
    if overrides and category in overrides:
        return "set in package.toml"
    return PUBLISHED[category].basis
