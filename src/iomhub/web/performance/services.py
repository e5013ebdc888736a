"""Changes to the performance framework and the action plan: each one function, one audited
transaction with its audit row (``audited(...)``), called by the views.

- indicators, targets and actuals are created or changed in place (the audit row keeps the old
  and new values);
- a manual RAG override is a new row of a history that is never changed or deleted: a later
  override supersedes it, a withdrawal (a row with no RAG) ends it, each with its reason;
- a milestone's status changes only with a comment, and each change is a new row of its history
  (who, when, from, to, comment).

Problems a user can fix raise ``ValidationError`` with a plain-English message, keyed by the
form field it belongs to where there is one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from iomhub.domain.codes import ACTION_STATUSES, RAG_STATUSES
from iomhub.domain.dates import format_period
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.performance.framework import figure_for, framework_row
from iomhub.web.performance.models import (
    ActionStatusChange,
    Actual,
    Indicator,
    PlanAction,
    RagOverride,
    Target,
)

INDICATOR_FIELDS = ("title", "owner", "unit", "direction", "baseline", "metric")
TARGET_FIELDS = ("kind", "value", "low", "high")
PLAN_FIELDS = ("outcome", "action", "milestone", "due", "lead", "strategic_links")


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _changes(obj: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set ``values`` on ``obj``; return ``{field: [old, new]}`` of those that changed."""
    changed: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [_json(old), _json(new)]
            setattr(obj, name, new)
    return changed


def _required(text: str, field: str, message: str) -> str:
    if not text or not text.strip():
        raise ValidationError({field: message})
    return text.strip()


# --- indicators, targets, actuals ----------------------------------------------------------------


def save_indicator(actor: Actor, values: dict[str, Any], indicator: Indicator | None = None) -> Indicator:
    """Create an indicator (``values`` holds its ``indicator_id``) or change one."""
    fields = {name: values.get(name) for name in INDICATOR_FIELDS}
    for name in ("owner", "unit", "direction", "metric"):
        fields[name] = fields[name] or ""
    fields["title"] = _required(str(fields["title"] or ""), "title", "Enter the indicator's description")
    with audited(actor) as audit:
        if indicator is None:
            ident = _required(str(values.get("indicator_id") or ""), "indicator_id", "Enter an indicator id")
            if Indicator.objects.filter(indicator_id=ident).exists():
                raise ValidationError({"indicator_id": f"There is already an indicator {ident}: choose another id"})
            indicator = Indicator(indicator_id=ident, **fields)
            indicator.full_clean()
            indicator.save()
            audit.record(Operation.COLLECTION, indicator, object_id=ident,
                         detail={name: _json(value) for name, value in fields.items()})
            return indicator
        changed = _changes(indicator, fields)
        if changed:
            indicator.full_clean()
            indicator.save()
            audit.record(Operation.ALTERATION, indicator, object_id=indicator.indicator_id, detail=changed)
    return indicator


def check_target(kind: str, value: float | None, low: float | None, high: float | None) -> None:
    """The numbers a target of ``kind`` needs, in plain English."""
    if kind in ("value", "change") and value is None:
        raise ValidationError({"value": "Enter the target's value" if kind == "value" else
                               "Enter the change on the baseline, for example -0.40 for a 40% fall"})
    if kind == "range":
        if low is None:
            raise ValidationError({"low": "Enter the lowest value of the target range"})
        if high is None:
            raise ValidationError({"high": "Enter the highest value of the target range"})
        if low > high:
            raise ValidationError({"high": "The highest value must be at least the lowest"})
    if kind == "change" and value is not None and value < -1:
        raise ValidationError({"value": "A change cannot be a fall of more than 100% (-1)"})


def set_target(actor: Actor, indicator: Indicator, period: str, kind: str, value: float | None = None,
               low: float | None = None, high: float | None = None) -> Target:
    """The indicator's target for a quarter (``2015-Q1``) or financial year (``2015``), made or changed."""
    check_target(kind, value, low, high)
    if kind != "range":
        low = high = None
    if kind not in ("value", "change"):
        value = None
    period = format_period(period)
    with audited(actor) as audit:
        target = Target.objects.filter(indicator=indicator, period=period).first()
        fields = {"kind": kind, "value": value, "low": low, "high": high}
        if target is None:
            target = Target(indicator=indicator, period=period, **fields)
            target.full_clean()
            target.save()
            audit.record(Operation.COLLECTION, target, detail={"indicator_id": indicator.indicator_id,
                                                               "period": period, **fields})
        elif changed := _changes(target, fields):
            target.save()
            audit.record(Operation.ALTERATION, target, detail={"indicator_id": indicator.indicator_id,
                                                               "period": period, **changed})
    return target


def set_actual(actor: Actor, indicator: Indicator, period: str, actual: float | None, comment: str = "",
               source: str = "typed") -> Actual:
    """The indicator's actual for a period, made or changed; ``source`` is recorded in the audit
    row (``typed``, or ``computed: METRIC`` when filled from a figure of the report)."""
    period = format_period(period)
    with audited(actor) as audit:
        row = Actual.objects.filter(indicator=indicator, period=period).first()
        fields = {"actual": actual, "comment": (comment or "").strip()}
        if row is None:
            row = Actual(indicator=indicator, period=period, **fields)
            row.save()
            audit.record(Operation.COLLECTION, row, detail={"indicator_id": indicator.indicator_id,
                                                            "period": period, "source": source, **fields})
        elif changed := _changes(row, fields):
            row.save()
            audit.record(Operation.ALTERATION, row, detail={"indicator_id": indicator.indicator_id,
                                                            "period": period, "source": source, **changed})
    return row


def fill_actual(actor: Actor, indicator: Indicator, period: str, comment: str = "") -> Actual:
    """The indicator's actual for a period, filled from the figure its ``metric`` names, computed
    by the report for that period itself."""
    if not indicator.metric:
        raise ValidationError({"fill": "This indicator names no figure to fill its actual from"})
    value = figure_for(indicator.metric, format_period(period))
    if value is None:
        raise ValidationError({"fill": f"The figure {indicator.metric} cannot be computed for this period "
                                       "from the records held: type the actual instead"})
    return set_actual(actor, indicator, period, value, comment, source=f"computed: {indicator.metric}")


# --- manual RAG overrides ---------------------------------------------------------------------------


def override_in_force(indicator: Indicator, period: str) -> RagOverride | None:
    """The override of the indicator and period in force now (None when none, or withdrawn)."""
    latest = (RagOverride.objects.filter(indicator=indicator, period=format_period(period))
              .order_by("-decided_on", "-override_id").first())
    return latest if latest is not None and latest.rag else None


def _next_override_id(indicator: Indicator, period: str) -> str:
    number = RagOverride.objects.filter(indicator=indicator, period=period).count() + 1
    while RagOverride.objects.filter(override_id=f"{indicator.indicator_id}/{period}/{number:04d}").exists():
        number += 1
    return f"{indicator.indicator_id}/{period}/{number:04d}"


def _record_override(actor: Actor, indicator: Indicator, period: str, rag: str, reason: str) -> RagOverride:
    today = timezone.localdate()
    with audited(actor, justification=reason) as audit:
        row = framework_row(indicator.indicator_id, period)
        shown = row.get("rag") if row else None
        previous = override_in_force(indicator, period)
        if previous is not None and previous.decided_on > today:
            raise ValidationError("An override dated after today is in force: it cannot be superseded today")
        override = RagOverride(override_id=_next_override_id(indicator, period), indicator=indicator,
                               period=period, rag=rag, rag_from=shown or "", reason=reason, decided_on=today,
                               decided_by=actor.username, decided_at=timezone.now())
        override.full_clean()
        override.save()
        audit.record(Operation.COLLECTION, override, object_id=override.override_id, detail={
            "indicator_id": indicator.indicator_id, "period": period, "rag": {"old": shown, "new": rag or None},
            "computed": row.get("rag_computed") if row else None, "reason": reason,
            "withdrawal": not rag, "superseded": previous.override_id if previous else None})
    return override


def override_rag(actor: Actor, indicator: Indicator, period: str, rag: str, reason: str) -> RagOverride:
    """Set the RAG of an indicator for a period by hand, with why; it supersedes any earlier one."""
    if rag not in RAG_STATUSES:
        raise ValidationError({"rag": "Choose green, amber or red"})
    reason = _required(reason, "reason", "Enter why the RAG is set by hand")
    return _record_override(actor, indicator, format_period(period), rag, reason)


def withdraw_override(actor: Actor, indicator: Indicator, period: str, reason: str) -> RagOverride:
    """End the override in force, with why: the computed RAG stands again (the history keeps both)."""
    reason = _required(reason, "reason", "Enter why the override is withdrawn")
    period = format_period(period)
    if override_in_force(indicator, period) is None:
        raise ValidationError("There is no override in force for this period to withdraw")
    return _record_override(actor, indicator, period, "", reason)


# --- the action plan ------------------------------------------------------------------------------


def change_action_status(actor: Actor, plan_action: PlanAction, status: str, comment: str) -> ActionStatusChange:
    """A milestone's new status with the comment that explains it; the history keeps the change
    and the milestone's ``comment`` and ``updated_on`` become the latest."""
    if status not in ACTION_STATUSES:
        raise ValidationError({"status": "Choose one of the statuses listed"})
    comment = _required(comment, "comment", "Enter a comment explaining the status")
    with audited(actor, justification=comment) as audit:
        previous = plan_action.status
        change = ActionStatusChange(plan_action=plan_action, status_from=previous, status_to=status,
                                    comment=comment, changed_by=actor.username, changed_at=timezone.now())
        change.save()
        plan_action.status, plan_action.comment, plan_action.updated_on = status, comment, timezone.localdate()
        plan_action.save()
        audit.record(Operation.ALTERATION, plan_action, object_id=plan_action.action_id, detail={
            "status": [previous or None, status], "comment": comment, "history": change.pk})
    return change


def save_plan_action(actor: Actor, values: dict[str, Any], plan_action: PlanAction | None = None) -> PlanAction:
    """Add a milestone (``values`` holds its ``action_id`` and first ``status``) or change its
    outcome, action, milestone, due quarter, lead and strategic links (its status changes only
    through :func:`change_action_status`)."""
    fields = {name: str(values.get(name) or "").strip() for name in PLAN_FIELDS}
    _required(fields["milestone"] or fields["action"], "milestone", "Enter the milestone (or the action)")
    if plan_action is not None:
        with audited(actor) as audit:
            changed = _changes(plan_action, fields)
            if changed:
                plan_action.updated_on = timezone.localdate()
                plan_action.save()
                audit.record(Operation.ALTERATION, plan_action, object_id=plan_action.action_id, detail=changed)
        return plan_action
    ident = _required(str(values.get("action_id") or ""), "action_id", "Enter an id for the milestone")
    status = str(values.get("status") or "")
    if status not in ACTION_STATUSES:
        raise ValidationError({"status": "Choose the milestone's status"})
    with audited(actor) as audit:
        if PlanAction.objects.filter(action_id=ident).exists():
            raise ValidationError({"action_id": f"There is already a milestone {ident}: choose another id"})
        plan_action = PlanAction(action_id=ident, status=status, comment="Milestone added",
                                 updated_on=timezone.localdate(), **fields)
        plan_action.full_clean()
        plan_action.save()
        change = ActionStatusChange(plan_action=plan_action, status_from="", status_to=status,
                                    comment="Milestone added", changed_by=actor.username, changed_at=timezone.now())
        change.save()
        audit.record(Operation.COLLECTION, plan_action, object_id=ident, detail={**fields, "status": status})
    return plan_action
