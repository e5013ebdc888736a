"""The data protection pages, for administrators: the review queue (s.39, MoPI), one person's
record and its review, subject access (s.45), restriction (s.47) and rectification (s.46).

Administrators do not open people's records in normal use (``visible_to`` shows them no one);
here they see what each duty needs, and every page that shows a person is a consultation with
its audit row; everyone else is refused (the one 404, logged and audited).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from iomhub.web.accounts import permissions
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import audited
from iomhub.web.forms import add_errors, saved
from iomhub.web.people.models import Nominal
from iomhub.web.people.services import record_consultation
from iomhub.web.records import schedule as schedules
from iomhub.web.records import services
from iomhub.web.records import subject_access as access
from iomhub.web.records.forms import FindForm, RectifyForm, RestrictionForm, ReviewForm, SubjectAccessForm
from iomhub.web.records.models import Restriction, Review
from iomhub.web.requests import actor
from iomhub.web.visibility import Refused, refuse

OBJECT_TYPE = "records"
View = Callable[..., HttpResponse]


def administrator_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not permissions.administers(user):
            return refuse(request, OBJECT_TYPE, str(kwargs.get("nominal_id", ""))[:100])
        return view(request, *args, **kwargs)
    return wrapped


def _person(nominal_id: str) -> Nominal:
    nominal: Nominal | None = Nominal.objects.filter(nominal_id=nominal_id).first()
    if nominal is None:
        raise Refused("people.nominal", nominal_id[:100], nominal_id[:100])
    return nominal


def _back(nominal: Nominal) -> str:
    return reverse("records:person", args=[nominal.nominal_id])


@administrator_required
def queue(request: HttpRequest) -> HttpResponse:
    """Records due for review (overdue, or due within 30 days), soonest first; and a box to open
    any person's record by IOM id."""
    find = FindForm(request.GET or None)
    if find.is_bound and find.is_valid() and find.cleaned_data["nominal_id"].strip():
        wanted = find.cleaned_data["nominal_id"].strip()
        if Nominal.objects.filter(nominal_id=wanted).exists():
            return HttpResponseRedirect(reverse("records:person", args=[wanted]))
        find.add_error("nominal_id", f"No one has the IOM id {wanted}")
    today = timezone.localdate()
    due = schedules.due(today)
    if due:
        with audited(actor(request)) as audit:
            audit.record(Operation.CONSULTATION, object_type="review queue",
                         detail={"viewed": "review queue", "nominal_ids": [row.nominal_id for row in due]})
    return render(request, "records/queue.html", {"due": due, "today": today, "find": find,
                                                  "overdue": sum(row.overdue(today) for row in due)})


@administrator_required
def person(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = _person(nominal_id)
    today = timezone.localdate()
    [scheduled] = schedules.schedule(today, only=[nominal.nominal_id])
    models: list[Any] = [(relation.related_model, relation.field.name) for relation in Nominal._meta.related_objects]
    held = [(str(model._meta.verbose_name_plural).capitalize(), model.objects.filter(**{name: nominal}).count())
            for model, name in models]
    record_consultation(actor(request), nominal, "data protection page")
    return render(request, "records/person.html", {
        "nominal": nominal, "scheduled": scheduled, "today": today, "held": [row for row in held if row[1]],
        "reviews": Review.objects.filter(nominal_id=nominal.nominal_id),
        "restrictions": Restriction.objects.filter(nominal=nominal),
        "corrections": nominal.corrections.all()})


@administrator_required
def review_view(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = _person(nominal_id)
    form = ReviewForm(request.POST if request.method == "POST" else None, nominal_id=nominal.nominal_id)
    if (done := saved(request, form,
                      lambda data: services.review(actor(request), nominal, data["decision"], data["reason"],
                                                   timezone.localdate()),
                      lambda review, _: (f"{nominal.nominal_id}: record deleted." if review.decision == "delete"
                                         else f"{nominal.nominal_id}: record retained, next review "
                                              f"{review.next_review:%d/%m/%Y}.", reverse("records:queue")))):
        return done
    [scheduled] = schedules.schedule(timezone.localdate(), only=[nominal.nominal_id])
    record_consultation(actor(request), nominal, "review form")
    return render(request, "records/review.html", {"nominal": nominal, "form": form, "scheduled": scheduled},
                  status=400 if form.is_bound else 200)


@administrator_required
def subject_access(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = _person(nominal_id)
    form = SubjectAccessForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        name, body = access.disclose(actor(request), nominal, data["format"], data["justification"],
                                     data["recipient"])
        response = HttpResponse(body, content_type=access.FORMATS[data["format"]])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "records/form.html", {
        "nominal": nominal, "form": form, "title": f"Subject access: {nominal.nominal_id}", "submit": "Make the file",
        "intro": "Everything held about this person and every disclosure of it, for a request under section 45 of "
                 "the Data Protection Act 2018. Making the file is recorded as a disclosure to the recipient."},
        status=400 if form.is_bound else 200)


@administrator_required
def restriction(request: HttpRequest, nominal_id: str) -> HttpResponse:
    """Restrict the record (kept, hidden from normal use), or lift the restriction."""
    nominal = _person(nominal_id)
    lifting = nominal.restricted
    form = RestrictionForm(request.POST if request.method == "POST" else None)

    def change(data: dict[str, Any]) -> Restriction:
        if lifting:
            return services.lift_restriction(actor(request), nominal, data["reason"])
        return services.restrict(actor(request), nominal, data["reason"])

    if done := saved(request, form, change, lambda *_: ("Restriction lifted." if lifting else "Record restricted.",
                                                        _back(nominal))):
        return done
    title = f"Lift the restriction of {nominal.nominal_id}" if lifting else f"Restrict {nominal.nominal_id}"
    intro = ("The record will be back in normal use." if lifting else
             "The record is kept but hidden from all normal use (lists, person pages, reports, exports) until an "
             "administrator lifts the restriction (section 47).")
    return render(request, "records/form.html", {"nominal": nominal, "form": form, "title": title, "intro": intro,
                                                 "submit": "Lift the restriction" if lifting else "Restrict"},
                  status=400 if form.is_bound else 200)


@administrator_required
def rectify_view(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = _person(nominal_id)
    form = RectifyForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.rectify(actor(request), nominal, data["field"], data["value"], data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Corrected; the earlier value is kept in the record's history.")
            return HttpResponseRedirect(_back(nominal))
    record_consultation(actor(request), nominal, "rectification form")
    return render(request, "records/form.html", {
        "nominal": nominal, "form": form, "title": f"Correct a detail of {nominal.nominal_id}", "submit": "Correct",
        "intro": "A correction at the person's request (section 46). The earlier value stays in the record's history "
                 "with your reason."}, status=400 if form.is_bound else 200)
