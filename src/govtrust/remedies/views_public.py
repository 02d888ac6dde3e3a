"""Public pages: object to a record, apply for repair, report a government, follow a case.
No sign-in; CSRF on every form; a refusal re-renders the form with the message, nothing kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from govtrust.core.errors import DomainError, Throttled
from govtrust.core.http import client_address
from govtrust.directory.models import Department, Government
from govtrust.directory.widgets import UnitField
from govtrust.disclosure.rules.periods import repair_opens
from govtrust.disclosure.selectors import publication_public_get
from govtrust.remedies.models import CaseKind, PromiseCategory, PromiseKind
from govtrust.remedies.rules import CLOCKS
from govtrust.remedies.selectors import public_case
from govtrust.remedies.services.evidence import MAX_FILES, clean_label
from govtrust.remedies.services.filing import (
    OBJECTION_FIELDS,
    Contact,
    Filed,
    commitment_text,
    objection_file,
    promise_file,
    repair_apply,
    report_file,
)
from govtrust.remedies.services.staging import Kept, kept_discard, kept_open, stage
from govtrust.remedies.services.tracking import case_follow


def _files(request: HttpRequest) -> list[tuple[str, Any]]:
    return [(f.name or "附件", f) for f in request.FILES.getlist("files")]


def _submit(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    file: Callable[[list[tuple[str, Any]]], Filed],
) -> HttpResponse:
    """File with the attachments kept from a refused try (a signed token) plus those chosen now.
    Refused: the form comes back filled in, the attachments kept again under a new token
    (services/staging.py), or, when they cannot be kept, named so they can be chosen again."""
    previous = request.POST.get("staged", "")
    kept = Kept() if request.POST.get("staged_drop") == "on" else kept_open(previous)
    files = kept.files + _files(request)
    try:
        filed = file(files)
    except DomainError as exc:
        # Not for a flood or a robot (Throttled): nothing of theirs is written to disk.
        token, names = ("", []) if isinstance(exc, Throttled) else stage(files)
        context.update(
            error=exc.detail,
            field_errors=dict(exc.errors),
            form=request.POST,
            chosen_fields=request.POST.getlist("fields"),
            staged=token,
            staged_names=names,
            # Browsers never refill a file input: name each file that must be chosen again.
            lost_files=kept.lost + ([] if token else [clean_label(n) for n, _ in files]),
        )
        return render(request, template, context, status=exc.status)
    finally:
        kept.close()
        kept_discard(previous)
    return _filed(request, filed)


def _filed(request: HttpRequest, filed: Filed) -> HttpResponse:
    return render(
        request,
        "remedies/filed.html",
        {"case": filed.case, "code": filed.query_code, "kind": filed.case.get_kind_display()},
        status=201,
    )


def _contact(request: HttpRequest) -> Contact:
    return Contact(request.POST.get("contact_name", ""), request.POST.get("contact_phone", ""))


@require_http_methods(["GET", "POST"])
def objection(request: HttpRequest, number: str) -> HttpResponse:
    template = "remedies/objection.html"
    try:
        publication = publication_public_get(number)
    except DomainError as exc:
        return render(request, "remedies/message.html", {"message": exc.detail}, status=404)
    context: dict[str, Any] = {"p": publication, "v": publication.view, "fields": OBJECTION_FIELDS}
    context["max_files"] = MAX_FILES
    if request.method == "GET":
        return render(request, template, context)
    return _submit(
        request,
        template,
        context,
        lambda files: objection_file(
            record_number=number,
            applicant_role=request.POST.get("applicant_role", ""),
            contact=_contact(request),
            fields=request.POST.getlist("fields"),
            content=request.POST.get("content", ""),
            files=files,
            address=client_address(request),
            honeypot=request.POST.get("website", ""),
        ),
    )


@require_http_methods(["GET", "POST"])
def repair(request: HttpRequest, number: str) -> HttpResponse:
    template = "remedies/repair.html"
    try:
        publication = publication_public_get(number)
    except DomainError as exc:
        return render(request, "remedies/message.html", {"message": exc.detail}, status=404)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "p": publication,
        "v": publication.view,
        "max_files": MAX_FILES,
        "too_early": today < (repair_opens(publication.minimum_end) or today),
        "repair_opens": repair_opens(publication.minimum_end),
        "commitment": commitment_text(
            subject_name=publication.view.get("subject_name", ""),
            record_number=publication.number,
            signer="（签署人）",
            day=today,
        ),
    }
    if request.method == "GET":
        return render(request, template, context)
    return _submit(
        request,
        template,
        context,
        lambda files: repair_apply(
            record_number=number,
            contact=_contact(request),
            content=request.POST.get("content", ""),
            signer=request.POST.get("signer", ""),
            commitment_signed=request.POST.get("commitment_signed") == "on",
            files=files,
            address=client_address(request),
            honeypot=request.POST.get("website", ""),
        ),
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() and len(value) < 12 else None


class UnitChoice(forms.Form):
    unit = UnitField(label="被举报的单位", empty_label="请选择政府或部门", required=False)


def _target(request: HttpRequest) -> tuple[UnitChoice, Government | None, int | None]:
    """Step 1's choice: the unit picker's value (a government or a department), or, from step
    2's form and older links, a government id."""
    data = request.POST if request.method == "POST" else request.GET
    government_id = _int(data.get("government_id"))
    if government_id is not None and not data.get("unit"):
        government = Government.objects.filter(pk=government_id).first()
        initial = {"unit": government.division_id} if government else {}
        return UnitChoice(initial=initial), government, _int(data.get("department_id"))
    choice = UnitChoice(data if "unit" in data or "unit_q" in data else None)
    if not choice.is_bound or not choice.is_valid():
        return choice, None, None
    if choice.cleaned_data["unit"] is None:
        if not data.get("unit_q"):  # 下一步 with nothing chosen; a search alone is no error
            choice.add_error("unit", "请选择被举报的政府或部门")
        return choice, None, None
    unit = choice.cleaned_data["unit"]
    return choice, Government.objects.get(pk=unit.government_id), unit.department_id


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """Step 1 picks the government or department (a GET form: cascading selects with search,
    or without script a grouped select and a search box), step 2 the report itself."""
    template = "remedies/report.html"
    choice, government, department_id = _target(request)
    government_id = government.pk if government else None
    context: dict[str, Any] = {
        "choice": choice,
        "government": government,
        "department_id": department_id,
        "departments": (
            Department.objects.filter(government=government).only("id", "name")
            if government
            else []
        ),
        "max_files": MAX_FILES,
        "anonymous_allowed": True,
    }
    if request.method == "GET":
        return render(request, template, context)
    anonymous = request.POST.get("anonymous") == "on"
    return _submit(
        request,
        template,
        context,
        lambda files: report_file(
            government_id=government_id,
            department_id=_int(request.POST.get("department_id")),
            anonymous=anonymous,
            contact=None if anonymous else _contact(request),
            content=request.POST.get("content", ""),
            files=files,
            address=client_address(request),
            honeypot=request.POST.get("website", ""),
        ),
    )


@require_http_methods(["GET", "POST"])
def promise(request: HttpRequest) -> HttpResponse:
    """A firm's complaint that a government or department broke a contract or a policy promise
    (发改财金〔2023〕1103号). Step 1 picks the accused unit as the report form does; step 2 names
    the firm, the promise and what was broken. It goes to the body above the accused unit."""
    template = "remedies/promise.html"
    choice, government, department_id = _target(request)
    context: dict[str, Any] = {
        "choice": choice,
        "government": government,
        "department_id": department_id,
        "departments": (
            Department.objects.filter(government=government).only("id", "name")
            if government
            else []
        ),
        "categories": PromiseCategory.choices,
        "kinds": PromiseKind.choices,
        "max_files": MAX_FILES,
        "clocks": [CLOCKS[("promise", s)] for s in ("received", "verifying", "rectifying")],
    }
    if request.method == "GET":
        return render(request, template, context)
    post = request.POST
    return _submit(
        request,
        template,
        context,
        lambda files: promise_file(
            government_id=government.pk if government else None,
            department_id=_int(post.get("department_id")),
            category=post.get("category", ""),
            promise_kind=post.get("promise_kind", ""),
            firm_name=post.get("firm_name", ""),
            firm_uscc=post.get("firm_uscc", ""),
            amount=post.get("amount", "")[:40],
            promised_on=post.get("promised_on", "")[:20],
            contact=_contact(request),
            content=post.get("content", ""),
            files=files,
            address=client_address(request),
            honeypot=post.get("website", ""),
        ),
    )


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """POST, so the query code never lands in a URL, a log or the browser history."""
    context: dict[str, Any] = {"kinds": CaseKind.choices}
    if request.method == "POST":
        try:
            case = case_follow(
                number=request.POST.get("number", ""),
                code=request.POST.get("code", ""),
                address=client_address(request),
            )
        except Throttled as exc:
            return render(request, "remedies/track.html", {"error": exc.detail}, status=429)
        except DomainError as exc:
            context.update(error=exc.detail, number=request.POST.get("number", "")[:24])
            return render(request, "remedies/track.html", context, status=exc.status)
        context["case"] = public_case(case)
    return render(request, "remedies/track.html", context)
