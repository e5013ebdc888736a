"""Pages of the performance framework and the action plan, and the forms that change them.

Who: any role of a partner agency reads them (figures and plans, no names); managers and
administrators of a partner agency change them. Everyone else gets the one refusal (a 404,
logged and audited), and the access check comes before the method's, so no answer tells an
outsider that a route exists. A form page is a GET; its POST calls one service function
(``performance.services``), which writes the change and its audit row in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from iomhub.domain.dates import PERIOD_YEARS, financial_year_of
from iomhub.reports.documents.actions import due_end, due_label
from iomhub.reports.formatting import RAG_LABELS, STATUS_LABELS, kpi_period_label
from iomhub.web.accounts import permissions
from iomhub.web.accounts.names import display_names
from iomhub.web.forms import saved
from iomhub.web.performance import services
from iomhub.web.performance.framework import framework_rows, period_codes, start_month, year_of_period
from iomhub.web.performance.models import Actual, Indicator, PlanAction, RagOverride, Target
from iomhub.web.performance.plan_forms import (
    METRIC_CHOICES,
    ActualForm,
    IndicatorForm,
    OverrideForm,
    PlanActionForm,
    StatusForm,
    TargetForm,
    WithdrawForm,
)
from iomhub.web.performance.views import may_see_reports
from iomhub.web.requests import actor
from iomhub.web.visibility import refuse

FRAMEWORK = "performance.framework"
PLAN = "performance.action_plan"
READ = ("GET", "HEAD")
EDIT = ("GET", "HEAD", "POST")


def may_edit_plans(user: Any) -> bool:
    """Managers and administrators of a partner agency change the framework and the action plan."""
    return permissions.edits_plans(user)


def _gate(request: HttpRequest, object_type: str, object_id: str, methods: tuple[str, ...],
          edit: bool) -> HttpResponse | None:
    """The refusal or 405 to answer instead of the page, if any (access before method)."""
    allowed = may_edit_plans(request.user) if edit else may_see_reports(request.user)
    if not allowed:
        return refuse(request, object_type, object_id[:100])
    if request.method not in methods:
        return HttpResponseNotAllowed(list(methods))
    return None


def _form_page(request: HttpRequest, form: Form, *, title: str, intro: str, back: str, submit: str,
               extra: dict[str, Any] | None = None) -> HttpResponse:
    return render(request, "performance/plan_form.html",
                  {"form": form, "title": title, "intro": intro, "back": back, "submit": submit, **(extra or {})},
                  status=400 if form.is_bound else 200)


# --- the framework ------------------------------------------------------------------------------


@dataclass
class PeriodCell:
    period: str
    label: str
    target: str = ""
    actual: str = ""
    rag: str | None = None
    rag_label: str = ""
    computed_rag: str | None = None
    overridden: bool = False
    override_reason: str = ""
    computed_actual: bool = False


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[PeriodCell] = field(default_factory=list)


def _figure(value: float | None, unit: str | None) -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}%" if unit == "percent" else text


def _target_text(row: dict[str, Any], unit: str | None) -> str:
    kind = row.get("kind")
    if kind == "range":
        return f"{_figure(row.get('low'), unit)}–{_figure(row.get('high'), unit)}"
    if kind in ("na", "tbc"):
        return kind.upper() if kind == "tbc" else "N/A"
    return _figure(row.get("target"), unit) or "—"


def _cell(period: str, row: dict[str, Any] | None, unit: str | None) -> PeriodCell:
    cell = PeriodCell(period, kpi_period_label(period, start_month()))
    if row is None:
        return cell
    cell.target = _target_text(row, unit)
    cell.actual = _figure(row.get("actual"), unit)
    cell.computed_actual = str(row.get("actual_source") or "").startswith("computed")
    cell.rag = row.get("rag")
    cell.rag_label = RAG_LABELS.get(str(cell.rag), "No RAG")
    cell.computed_rag = row.get("rag_computed")
    cell.overridden = bool(row.get("rag_overridden"))
    cell.override_reason = str(row.get("rag_override_reason") or "")
    return cell


def _year(request: HttpRequest) -> int:
    """The financial year asked for; else the latest with a target or an actual; else this one."""
    text = request.GET.get("year", "")
    if text.isascii() and text.isdigit() and int(text) in PERIOD_YEARS:
        return int(text)
    periods = [*Target.objects.values_list("period", flat=True).distinct(),
               *Actual.objects.values_list("period", flat=True).distinct()]
    years = [year for year in map(year_of_period, periods) if year in PERIOD_YEARS]
    if years:  # a period outside PERIOD_YEARS (stored before it was refused) is not chosen
        return max(years)
    return financial_year_of(timezone.localdate(), start_month())


@login_required
def framework(request: HttpRequest) -> HttpResponse:
    """Every indicator's targets, actuals and RAG for the quarters of a financial year and the year."""
    if (gate := _gate(request, FRAMEWORK, "framework", READ, edit=False)) is not None:
        return gate
    year = _year(request)
    rows = framework_rows(year)
    codes = period_codes(year)
    table = [IndicatorRow(indicator, [_cell(code, rows.get((indicator.indicator_id, code)), indicator.unit)
                                      for code in codes])
             for indicator in Indicator.objects.all()]
    return render(request, "performance/framework.html", {
        "rows": table, "year": year, "year_label": kpi_period_label(str(year), start_month()),
        "headings": [kpi_period_label(code, start_month()) for code in codes],
        "previous": year - 1, "next": year + 1, "may_edit": may_edit_plans(request.user),
        "overridden": sum(cell.overridden for row in table for cell in row.cells)})


def _indicator(request: HttpRequest, indicator_id: str, methods: tuple[str, ...], edit: bool,
               ) -> tuple[Indicator | None, HttpResponse | None]:
    gate = _gate(request, FRAMEWORK, indicator_id, methods, edit)
    if gate is not None:
        return None, gate
    indicator = Indicator.objects.filter(indicator_id=indicator_id).first()
    if indicator is None:
        return None, refuse(request, FRAMEWORK, indicator_id[:100])
    return indicator, None


@login_required
def indicator(request: HttpRequest, indicator_id: str) -> HttpResponse:
    """One indicator: its periods (target, actual, RAG computed and shown) and its override history."""
    found, answer = _indicator(request, indicator_id, READ, edit=False)
    if found is None:
        assert answer is not None
        return answer
    codes = sorted({*Target.objects.filter(indicator=found).values_list("period", flat=True),
                    *Actual.objects.filter(indicator=found).values_list("period", flat=True),
                    *RagOverride.objects.filter(indicator=found).values_list("period", flat=True)})
    years = sorted({year_of_period(code) for code in codes} & set(PERIOD_YEARS))
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for year in years:
        rows.update(framework_rows(year))
    cells = [_cell(code, rows.get((found.indicator_id, code)), found.unit) for code in codes]
    history = list(RagOverride.objects.filter(indicator=found).order_by("-decided_on", "-override_id"))
    return render(request, "performance/indicator.html", {
        "indicator": found, "cells": cells, "history": history, "may_edit": may_edit_plans(request.user),
        "rag_labels": RAG_LABELS, "period_labels": {code: kpi_period_label(code, start_month()) for code in codes},
        "metric_title": dict(METRIC_CHOICES).get(found.metric, "a figure no longer computed") if found.metric else ""})


def _back(indicator: Indicator) -> str:
    return reverse("performance:indicator", args=[indicator.indicator_id])


@login_required
def new_indicator(request: HttpRequest) -> HttpResponse:
    if (gate := _gate(request, FRAMEWORK, "new", EDIT, edit=True)) is not None:
        return gate
    form = IndicatorForm(request.POST if request.method == "POST" else None)
    if (done := saved(request, form, lambda data: services.save_indicator(actor(request), data),
                      lambda created, _: (f"Indicator {created.indicator_id} added.", _back(created)))):
        return done
    return _form_page(request, form, title="Add an indicator", back=reverse("performance:framework"),
                      intro="An indicator of the partnership's performance framework.", submit="Add the indicator")


@login_required
def edit_indicator(request: HttpRequest, indicator_id: str) -> HttpResponse:
    found, answer = _indicator(request, indicator_id, EDIT, edit=True)
    if found is None:
        assert answer is not None
        return answer
    initial = {name: getattr(found, name) for name in services.INDICATOR_FIELDS}
    form = IndicatorForm(request.POST if request.method == "POST" else None, initial=initial, editing=True)
    if (done := saved(request, form, lambda data: services.save_indicator(actor(request), data, found),
                      lambda *_: ("Indicator saved.", _back(found)))):
        return done
    return _form_page(request, form, title=f"Change indicator {found.indicator_id}", back=_back(found),
                      intro=found.title, submit="Save the indicator")


def _period_label(data: dict[str, Any]) -> str:
    return kpi_period_label(data["period"], start_month())


def _on_plan(action: PlanAction) -> str:
    return reverse("performance:action_plan") + f"#action-{action.pk}"


def _period_initial(request: HttpRequest) -> str:
    return request.GET.get("period", "")[:10]


@login_required
def set_target(request: HttpRequest, indicator_id: str) -> HttpResponse:
    found, answer = _indicator(request, indicator_id, EDIT, edit=True)
    if found is None:
        assert answer is not None
        return answer
    period = _period_initial(request)
    current = Target.objects.filter(indicator=found, period=period).first()
    initial = {"period": period, **({name: getattr(current, name) for name in services.TARGET_FIELDS}
                                    if current else {})}
    form = TargetForm(request.POST if request.method == "POST" else None, initial=initial)
    if (done := saved(request, form,
                      lambda data: services.set_target(actor(request), found, data["period"], data["kind"],
                                                       data["value"], data["low"], data["high"]),
                      lambda _, data: (f"Target for {_period_label(data)} saved.", _back(found)))):
        return done
    return _form_page(request, form, title=f"Target of {found.indicator_id}", back=_back(found), intro=found.title,
                      submit="Save the target")


@login_required
def set_actual(request: HttpRequest, indicator_id: str) -> HttpResponse:
    found, answer = _indicator(request, indicator_id, EDIT, edit=True)
    if found is None:
        assert answer is not None
        return answer
    period = _period_initial(request)
    current = Actual.objects.filter(indicator=found, period=period).first()
    initial = {"period": period, **({"actual": current.actual, "comment": current.comment} if current else {})}
    form = ActualForm(request.POST if request.method == "POST" else None, initial=initial)
    if not found.metric:
        del form.fields["fill"]

    def change(data: dict[str, Any]) -> Any:
        if data.get("fill"):
            return services.fill_actual(actor(request), found, data["period"], data["comment"])
        return services.set_actual(actor(request), found, data["period"], data["actual"], data["comment"])

    if (done := saved(request, form, change,
                      lambda _, data: (f"Actual for {_period_label(data)} saved.", _back(found)))):
        return done
    intro = found.title + (f" Its actuals may be filled from the figure “{found.metric}”." if found.metric else "")
    return _form_page(request, form, title=f"Actual of {found.indicator_id}", back=_back(found), intro=intro,
                      submit="Save the actual")


@login_required
def override_rag(request: HttpRequest, indicator_id: str) -> HttpResponse:
    found, answer = _indicator(request, indicator_id, EDIT, edit=True)
    if found is None:
        assert answer is not None
        return answer
    form = OverrideForm(request.POST if request.method == "POST" else None,
                        initial={"period": _period_initial(request)})
    if (done := saved(request, form,
                      lambda data: services.override_rag(actor(request), found, data["period"], data["rag"],
                                                         data["reason"]),
                      lambda _, data: (f"RAG for {_period_label(data)} set by hand.", _back(found)))):
        return done
    return _form_page(request, form, title=f"Set the RAG of {found.indicator_id} by hand", back=_back(found),
                      intro=f"{found.title}. The override replaces the computed RAG in the report and the "
                            "documents, which mark it and print your reason. It supersedes any earlier "
                            "override; nothing is deleted.", submit="Set the RAG")


@login_required
def withdraw_override(request: HttpRequest, indicator_id: str) -> HttpResponse:
    found, answer = _indicator(request, indicator_id, EDIT, edit=True)
    if found is None:
        assert answer is not None
        return answer
    form = WithdrawForm(request.POST if request.method == "POST" else None,
                        initial={"period": _period_initial(request)})
    if (done := saved(request, form,
                      lambda data: services.withdraw_override(actor(request), found, data["period"], data["reason"]),
                      lambda _, data: (f"Override for {_period_label(data)} withdrawn: the computed RAG stands "
                                       "again.", _back(found)))):
        return done
    return _form_page(request, form, title=f"Withdraw the RAG override of {found.indicator_id}", back=_back(found),
                      intro=f"{found.title}. The computed RAG will stand again; the override stays in the "
                            "history with your reason.", submit="Withdraw the override")


# --- the action plan ------------------------------------------------------------------------------


@dataclass
class Milestone:
    row: PlanAction
    due: str
    overdue: bool
    status_label: str
    history: list[Any]
    status_class: str = ""


def shown_status(status: str, late: bool) -> tuple[str, str]:
    """The status a milestone shows, and its colour class: one past its due quarter and not
    complete is never shown as on track (green, amber/green, or not set): it shows "Overdue"."""
    if late and status in ("", "green", "amber_green"):
        return "Overdue", "status-red"
    return STATUS_LABELS.get(status, "Not set"), f"status-{status}" if status else ""


@dataclass
class ActionGroup:
    action: str
    milestones: list[Milestone] = field(default_factory=list)


@dataclass
class OutcomeGroup:
    outcome: str
    actions: list[ActionGroup] = field(default_factory=list)


def plan_groups(today: date) -> tuple[list[OutcomeGroup], int]:
    """Outcomes → actions → milestones in the plan's order, each with its history; and how many
    milestones are overdue (due quarter ended before ``today``, not complete)."""
    outcomes: dict[str, OutcomeGroup] = {}
    overdue = 0
    for row in PlanAction.objects.prefetch_related("status_changes").order_by("action_id"):
        end = due_end(row.due, today, start_month())
        late = end is not None and end < today and row.status != "complete"
        overdue += late
        group = outcomes.setdefault(row.outcome or "Outcome not stated", OutcomeGroup(row.outcome or
                                                                                     "Outcome not stated"))
        action = row.action or "Action not stated"
        if not group.actions or group.actions[-1].action != action:
            group.actions.append(ActionGroup(action))
        history = sorted(row.status_changes.all(), key=lambda change: (change.changed_at, change.pk), reverse=True)
        label, colour = shown_status(row.status, late)
        group.actions[-1].milestones.append(Milestone(row, due_label(row.due, start_month()), late, label, history,
                                                      colour))
    return list(outcomes.values()), overdue


@login_required
def action_plan(request: HttpRequest) -> HttpResponse:
    """The action plan: outcomes, actions and milestones, their status and its history; overdue
    milestones stand out."""
    if (gate := _gate(request, PLAN, "plan", READ, edit=False)) is not None:
        return gate
    today = timezone.localdate()
    groups, overdue = plan_groups(today)
    names = display_names(change.changed_by for group in groups for action in group.actions
                          for milestone in action.milestones for change in milestone.history)
    return render(request, "performance/action_plan.html", {
        "groups": groups, "overdue": overdue, "today": today, "may_edit": may_edit_plans(request.user),
        "status_labels": STATUS_LABELS, "names": names})


def _plan_action(request: HttpRequest, action_id: str) -> tuple[PlanAction | None, HttpResponse | None]:
    gate = _gate(request, PLAN, action_id, EDIT, edit=True)
    if gate is not None:
        return None, gate
    found = PlanAction.objects.filter(action_id=action_id).first()
    if found is None:
        return None, refuse(request, PLAN, action_id[:100])
    return found, None


@login_required
def action_status(request: HttpRequest, action_id: str) -> HttpResponse:
    found, answer = _plan_action(request, action_id)
    if found is None:
        assert answer is not None
        return answer
    form = StatusForm(request.POST if request.method == "POST" else None, initial={"status": found.status})
    if (done := saved(request, form,
                      lambda data: services.change_action_status(actor(request), found, data["status"],
                                                                 data["comment"]),
                      lambda *_: (f"Status of {found.action_id} recorded.", _on_plan(found)))):
        return done
    return _form_page(request, form, title=f"Status of milestone {found.action_id}",
                      back=reverse("performance:action_plan"), submit="Record the status",
                      intro=f"{found.milestone or found.action} (due {due_label(found.due, start_month())}, "
                            f"now {STATUS_LABELS.get(found.status, 'not set').lower()}).")


@login_required
def new_action(request: HttpRequest) -> HttpResponse:
    if (gate := _gate(request, PLAN, "new", EDIT, edit=True)) is not None:
        return gate
    form = PlanActionForm(request.POST if request.method == "POST" else None)
    if (done := saved(request, form, lambda data: services.save_plan_action(actor(request), data),
                      lambda created, _: (f"Milestone {created.action_id} added.", _on_plan(created)))):
        return done
    return _form_page(request, form, title="Add a milestone", back=reverse("performance:action_plan"),
                      intro="A milestone of the delivery action plan.", submit="Add the milestone")


@login_required
def edit_action(request: HttpRequest, action_id: str) -> HttpResponse:
    found, answer = _plan_action(request, action_id)
    if found is None:
        assert answer is not None
        return answer
    initial = {name: getattr(found, name) for name in services.PLAN_FIELDS}
    form = PlanActionForm(request.POST if request.method == "POST" else None, initial=initial, editing=True)
    if (done := saved(request, form, lambda data: services.save_plan_action(actor(request), data, found),
                      lambda *_: (f"Milestone {found.action_id} saved.", _on_plan(found)))):
        return done
    return _form_page(request, form, title=f"Change milestone {found.action_id}",
                      back=reverse("performance:action_plan"), submit="Save the milestone",
                      intro="Its status changes through “Change status”, with a comment.")
