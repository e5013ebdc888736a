"""The tables and columns of the data package (``docs/spec/data-package.md``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from iomhub.domain import codes


class Kind(Enum):
    TEXT = "text"
    DATE = "date"
    CODE = "code"
    BOOL = "bool"
    SCORE = "score"
    NUMBER = "number"
    PNC = "pnc"
    PERIOD = "period"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = False  # must be present in the header
    not_null: bool = False  # every row must have a value
    allowed: tuple[str, ...] | None = None  # for codes; None = any code
    extensible: bool = False  # the package may declare more codes (package.toml)

    def codes(self, declared: Iterable[str] = ()) -> tuple[str, ...] | None:
        """The codes a code column accepts: its own, and for an extensible one those the package
        ``declared``; None when it accepts any code."""
        if self.allowed is None:
            return None
        return (*self.allowed, *(declared if self.extensible else ()))


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    key: str | None = None  # unique id column
    nominal_ref: bool = True  # has nominal_id that must exist in nominals
    interval: tuple[str, str] | None = None  # start/end columns: end >= start
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _nid() -> Column:
    return Column("nominal_id", Kind.TEXT, required=True, not_null=True)


def _code(name: str, allowed: tuple[str, ...] | None, *, required: bool = False,
          not_null: bool = False, extensible: bool = False) -> Column:
    return Column(name, Kind.CODE, required=required, not_null=not_null, allowed=allowed,
                  extensible=extensible)


def _date(name: str, *, required: bool = False, not_null: bool = False) -> Column:
    return Column(name, Kind.DATE, required=required, not_null=not_null)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("nominals", (
            Column("nominal_id", Kind.TEXT, required=True, not_null=True),
            Column("pnc_id", Kind.PNC),
            Column("family_name"),
            Column("given_names"),
            _date("date_of_birth"),
            _code("gender", codes.GENDERS),
            Column("area", Kind.TEXT),
            Column("sanctions", Kind.NUMBER),
            _date("first_sanction_date"),
        ), required=True, key="nominal_id", nominal_ref=False),
        Table("cohort", (
            _nid(),
            _code("scheme", codes.SCHEMES, required=True, not_null=True, extensible=True),
            _date("start_date", required=True, not_null=True),
            _date("end_date"),
            Column("exit_reason"),
        ), required=True, interval=("start_date", "end_date")),
        Table("flags", (
            _nid(),
            _code("flag", None, required=True, not_null=True),
            _date("start_date", required=True, not_null=True),
            _date("end_date"),
        ), interval=("start_date", "end_date")),
        Table("offences", (
            Column("offence_id", Kind.TEXT, required=True, not_null=True),
            _nid(),
            _date("offence_date", required=True, not_null=True),
            _date("detected_date"),
            _code("category", codes.OFFENCE_CATEGORIES),
            Column("offence_code"),
        ), key="offence_id", interval=("offence_date", "detected_date")),
        Table("custody", (
            _nid(),
            _date("start_date", required=True, not_null=True),
            _date("end_date"),
            _date("expected_release_date"),
            _code("custody_type", codes.CUSTODY_TYPES),
        ), interval=("start_date", "end_date")),
        Table("supervision", (
            _nid(),
            _code("provider", codes.PROVIDERS, required=True, not_null=True),
            _code("order_type", codes.ORDER_TYPES),
            _date("start_date", required=True, not_null=True),
            _date("end_date"),
        ), interval=("start_date", "end_date")),
        Table("risk", (
            _nid(),
            _date("assessed_on", required=True, not_null=True),
            _code("tier", codes.TIERS, required=True, not_null=True),
        )),
        Table("referrals", (
            Column("referral_id", Kind.TEXT, required=True, not_null=True),
            _nid(),
            _date("referred_on", required=True, not_null=True),
            _code("referring_agency", codes.AGENCIES, required=True, not_null=True),
            Column("area"),
            _code("decision", codes.DECISIONS),
            _date("decided_on"),
            _code("scheme", codes.SCHEMES, extensible=True),
            _code("mappa_level", codes.MAPPA_LEVELS),
        ), key="referral_id", interval=("referred_on", "decided_on")),
        Table("meetings", (
            Column("meeting_id", Kind.TEXT, required=True, not_null=True),
            _date("held_on", required=True, not_null=True),
            _code("meeting_type", codes.MEETING_TYPES),
            Column("area"),
        ), key="meeting_id", nominal_ref=False),
        Table("attendance", (
            Column("meeting_id", Kind.TEXT, required=True, not_null=True),
            _code("agency", codes.AGENCIES, required=True, not_null=True),
            Column("invited", Kind.BOOL),
            Column("attended", Kind.BOOL),
        ), nominal_ref=False),
        Table("needs", (
            _nid(),
            _date("assessed_on", required=True, not_null=True),
            _code("pathway", codes.PATHWAYS, required=True, not_null=True),
            Column("score", Kind.SCORE),
        )),
        Table("treatment", (
            Column("episode_id", Kind.TEXT, required=True, not_null=True),
            _nid(),
            _code("substance", codes.SUBSTANCES),
            _date("start_date", required=True, not_null=True),
            _date("end_date"),
            _code("outcome", codes.TREATMENT_OUTCOMES),
            _date("re_presented_on"),
        ), key="episode_id", interval=("start_date", "end_date")),
        Table("indicators", (
            Column("indicator_id", Kind.TEXT, required=True, not_null=True),
            Column("title", Kind.TEXT, required=True),
            Column("owner"),
            _code("unit", codes.UNITS),
            _code("direction", codes.DIRECTIONS),
            Column("baseline", Kind.NUMBER),
            _code("metric", None),
        ), key="indicator_id", nominal_ref=False),
        Table("targets", (
            Column("indicator_id", Kind.TEXT, required=True, not_null=True),
            Column("period", Kind.PERIOD, required=True, not_null=True),
            _code("kind", codes.TARGET_KINDS, required=True, not_null=True),
            Column("value", Kind.NUMBER),
            Column("low", Kind.NUMBER),
            Column("high", Kind.NUMBER),
        ), nominal_ref=False),
        Table("actuals", (
            Column("indicator_id", Kind.TEXT, required=True, not_null=True),
            Column("period", Kind.PERIOD, required=True, not_null=True),
            Column("actual", Kind.NUMBER),
            Column("comment"),
        ), nominal_ref=False),
        Table("actions", (
            Column("action_id", Kind.TEXT, required=True, not_null=True),
            Column("outcome"),
            Column("action"),
            Column("milestone"),
            Column("due"),
            Column("lead"),
            Column("strategic_links"),
            _code("status", codes.ACTION_STATUSES),
            Column("comment"),
            _date("updated_on"),
        ), key="action_id", nominal_ref=False),
        Table("rag_overrides", (
            Column("override_id", Kind.TEXT, required=True, not_null=True),
            Column("indicator_id", Kind.TEXT, required=True, not_null=True),
            Column("period", Kind.PERIOD, required=True, not_null=True),
            _code("rag", codes.RAG_STATUSES),
            _code("rag_from", codes.RAG_STATUSES),
            Column("reason", Kind.TEXT, required=True, not_null=True),
            _date("decided_on", required=True, not_null=True),
            Column("decided_by"),
        ), key="override_id", nominal_ref=False, notes={
            "rag": "empty: the override withdrawn (the computed RAG stands again)",
            "order": "the row in force for an indicator and period is the last by decided_on, then override_id",
        }),
    )
}

