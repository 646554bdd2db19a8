"""Pages: the regulators' case list, clues, case detail with each step's form, figures; the
enterprise's cases with its notices, statement, hearing request and early-removal application."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yaojian.audit import services as audit
from yaojian.core.errors import DomainError, NotFound
from yaojian.core.excel import export_response
from yaojian.core.forms import apply_errors
from yaojian.core.pages import enterprise_user as _enterprise_user
from yaojian.core.pages import error_message as _error
from yaojian.core.pages import regulator as _regulator
from yaojian.enforcement import actions, clock, forms, provisions, publishing, selectors, services
from yaojian.enforcement.choices import CLOCK_RUNNING, SourceKind, SourceStatus, Status
from yaojian.registry.models import Enterprise
from yaojian.registry.views.common import list_page

NAV = "enforcement"

EXPORT_COLUMNS = [
    (gettext_lazy("Case number"), lambda c: c.number),
    (gettext_lazy("Case"), lambda c: c.title),
    (gettext_lazy("Party"), lambda c: c.enterprise.name),
    (gettext_lazy("Unified social credit code"), lambda c: c.enterprise.uscc),
    (gettext_lazy("Handling bureau"), lambda c: c.bureau.name),
    (gettext_lazy("Source"), lambda c: c.get_source_kind_display()),
    (gettext_lazy("Status"), lambda c: c.get_status_display()),
    (gettext_lazy("Filed on"), lambda c: c.filed_on),
    (gettext_lazy("Decision due"), lambda c: c.deadline),
    (gettext_lazy("Decision number"), lambda c: c.decision_number),
    (gettext_lazy("Decided on"), lambda c: c.decided_on),
    (gettext_lazy("Fine (yuan)"), lambda c: float(c.fine)),
    (gettext_lazy("Publication"), lambda c: c.get_publication_state_display()),
]


# --- regulators ----------------------------------------------------------------------------------


@login_required
def case_list(request):
    user = _regulator(request)
    get = request.GET
    filters = {
        "status": get.get("status", "")[:20],
        "source": get.get("source", "")[:20],
        "due": get.get("due", "")[:20],
        "query": get.get("q", "").strip()[:100],
    }
    cases = selectors.case_list(user, **filters)
    return list_page(
        request,
        cases,
        template="enforcement/case_list.html",
        rows_template="enforcement/case_rows.html",
        nav=NAV,
        export_name="penalty-cases",
        export_sheet=_("Penalty cases"),
        columns=EXPORT_COLUMNS,
        context={
            "filters": filters,
            "statuses": [("open", _("Open")), *Status.choices],
            "sources": SourceKind.choices,
            "due_filters": [
                ("overdue", _("Past the 90-day limit")),
                ("near", _("Limit within 15 days")),
                ("publication", _("To be published")),
            ],
            "today": clock.today(),
            "running": sorted(CLOCK_RUNNING),
        },
    )


@login_required
def source_list(request):
    user = _regulator(request)
    status = request.GET.get("status", "pending")[:20]
    sources = selectors.source_list(user, status=status, kind=request.GET.get("kind", "")[:20])
    form = forms.SourceForm(initial={"found_on": clock.today(), "source_kind": SourceKind.REFERRAL})
    if request.method == "POST":
        form = forms.SourceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            enterprise = Enterprise.objects.filter(uscc=data["enterprise"].strip().upper()).first()
            if enterprise is None:
                form.add_error("enterprise", _("No enterprise with this code in the register."))
            else:
                try:
                    source = services.case_register_source(
                        actor=user,
                        enterprise=enterprise,
                        source_kind=data["source_kind"],
                        source_ref=data["source_ref"],
                        summary=data["summary"],
                        found_on=data["found_on"],
                    )
                except DomainError as error:
                    if error.status == 404:
                        raise
                    apply_errors(form, error)
                else:
                    messages.success(
                        request, _("The clue was registered with the competent bureau.")
                    )
                    if selectors.source_list(user).filter(pk=source.pk).exists():
                        return redirect("enforcement:source_detail", pk=source.pk)
                    return redirect("enforcement:source_list")
    return render(
        request,
        "enforcement/source_list.html",
        {
            "nav": NAV,
            "page": _page(request, sources),
            "status": status,
            "statuses": SourceStatus.choices,
            "today": clock.today(),
            "form": form,
        },
    )


def _page(request, queryset):
    from yaojian.core.forms import paginate

    return paginate(request, queryset)


@login_required
def source_detail(request, pk: int):
    user = _regulator(request)
    source = selectors.source_get(user, pk)
    officers = actions.case_officers(source.region_code)
    propose = forms.ProposeForm(
        prefix="propose",
        officers=officers,
        initial={"party_name": source.enterprise.name, "title": "", "facts": source.summary},
    )
    decline = forms.ReasonsForm(prefix="decline")
    extend = forms.ReasonForm(prefix="extend")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "propose":
                propose = forms.ProposeForm(request.POST, prefix="propose", officers=officers)
                if propose.is_valid():
                    data = propose.cleaned_data
                    case = services.case_propose(
                        actor=user,
                        source_id=source.pk,
                        officer_ids=data.pop("officers"),
                        **data,
                    )
                    messages.success(
                        request, _("Filing was proposed; a head of the bureau approves it.")
                    )
                    return redirect("enforcement:case_detail", pk=case.pk)
            elif action == "decline":
                decline = forms.ReasonsForm(request.POST, prefix="decline")
                if decline.is_valid():
                    services.source_decline(actor=user, source_id=source.pk, **decline.cleaned_data)
                    messages.success(request, _("The clue will not be filed as a case."))
                    return redirect("enforcement:source_detail", pk=source.pk)
            elif action == "extend":
                extend = forms.ReasonForm(request.POST, prefix="extend")
                if extend.is_valid():
                    services.source_extend(actor=user, source_id=source.pk, **extend.cleaned_data)
                    messages.success(request, _("The time for the filing decision was extended."))
                    return redirect("enforcement:source_detail", pk=source.pk)
        except DomainError as error:
            if error.status in (401, 403, 404):
                raise
            target = {"propose": propose, "decline": decline, "extend": extend}.get(action)
            if target is not None and target.is_bound:
                apply_errors(target, error)
            else:
                _error(request, error)
    case = getattr(source, "case", None) if hasattr(source, "case") else None
    return render(
        request,
        "enforcement/source_detail.html",
        {
            "nav": NAV,
            "source": source,
            "case": case,
            "propose": propose,
            "decline": decline,
            "extend": extend,
            "today": clock.today(),
            "pending": source.status == SourceStatus.PENDING,
        },
    )


def _detail(request, user, case, *, bound=None):
    view = selectors.case_view(user, case)
    for event in view["events"]:
        event.label = actions.step_label(event.action)
    action_forms = []
    for name in actions.available(user, case):
        form = bound[1] if bound and bound[0] == name else actions.initial_form(name, case)
        action_forms.append({"name": name, "spec": actions.ACTIONS[name], "form": form})
    provision = provisions.get(case.provision)
    state = view["clock"]
    context = {
        "nav": NAV,
        "case": case,
        "view": view,
        "state": state,
        "overdue_days": actions.overdue_days(state),
        "clock_running": case.status in CLOCK_RUNNING,
        "action_forms": action_forms,
        "provision": provision,
        "range": provision.range(case.goods_value) if provision else None,
        "today": clock.today(),
        "minor": publishing.is_minor(case) if case.decided_on else None,
        "public_party": publishing.public_party(case),
        "penalty_text": publishing.penalty_text(case),
        "proposed_penalty_text": publishing.proposed_penalty_text(case),
        "bands": _bands(case),
    }
    return render(request, "enforcement/case_detail.html", context)


def _bands(case) -> list[dict]:
    provision = provisions.get(case.provision)
    if provision is None or (provision.by_value and case.goods_value is None):
        return []
    rows = []
    for value, label in [
        ("lighter", _("Lighter (从轻)")),
        ("ordinary", _("Ordinary (一般)")),
        ("heavier", _("Heavier (从重)")),
    ]:
        low, high = provisions.band(provision, value, case.goods_value)
        rows.append({"label": label, "low": low, "high": high})
    return rows


@login_required
def case_detail(request, pk: int):
    user = _regulator(request)
    return _detail(request, user, selectors.case_get(user, pk))


@login_required
@require_POST
def case_act(request, pk: int, action: str):
    user = _regulator(request)
    spec = actions.ACTIONS.get(action)
    if spec is None:
        raise Http404
    case = selectors.case_get(user, pk)
    form = actions.bound_form(action, case, request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, user, case, bound=(action, form))
    try:
        spec.run(user, case, form)
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        if error.status == 409 or not error.errors:
            _error(request, error)
            return redirect("enforcement:case_detail", pk=case.pk)
        case = selectors.case_get(user, pk)
        apply_errors(form, error)
        return _detail(request, user, case, bound=(action, form))
    messages.success(request, str(spec.done))
    try:
        selectors.case_get(user, pk)
    except NotFound:  # transferred away: no longer ours to see
        return redirect("enforcement:case_list")
    return redirect("enforcement:case_detail", pk=case.pk)


@login_required
def evidence_download(request, pk: int, evidence_id: int):
    user = request.user
    if not (user.is_authenticated and user.is_regulator):
        raise Http404
    case = selectors.case_get(user, pk)
    evidence = case.evidence.filter(pk=evidence_id).exclude(file="").first()
    if evidence is None:
        raise Http404
    audit.record(
        actor=user,
        action="enforcement.evidence.download",
        obj=case,
        detail=f"{evidence.title[:100]} sm3 {evidence.sm3[:16]}",
    )
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _document_pdf(user, case, kind: str) -> HttpResponse:
    """The notice or the decision as a PDF, once the case has one (404 before)."""
    from yaojian.enforcement import pdf

    if kind not in pdf.KINDS:
        raise Http404
    number = case.decision_number if kind == pdf.DECISION else case.number
    if not (case.decided_on if kind == pdf.DECISION else case.notified_on) or not number:
        raise Http404
    audit.record(actor=user, action=f"enforcement.{kind}.pdf", obj=case, detail=number)
    response = HttpResponse(pdf.render(case, kind), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_pdf(request, pk: int, kind: str):
    """The officers' copy of the notice of the proposed penalty and of the party's rights
    (行政处罚告知书, `kind` "notice") or of the penalty decision (行政处罚决定书, "decision")."""
    user = _regulator(request)
    return _document_pdf(user, selectors.case_get(user, pk), kind)


@login_required
def figures(request):
    user = _regulator(request)
    data = selectors.figures(user)
    if request.GET.get("export") == "xlsx":
        rows = (
            [(str(_("Status")), label, n) for _v, label, n in data["by_status"]]
            + [(str(_("Source")), label, n) for _v, label, n in data["by_source"]]
            + [(str(_("Jurisdiction")), r["name"], r["n"]) for r in data["by_region"]]
            + [
                (str(_("Figure")), str(_("Overdue (90-day limit)")), data["overdue"]),
                (
                    str(_("Figure")),
                    str(_("Clues past the filing decision")),
                    data["sources_overdue"],
                ),
                (str(_("Figure")), str(_("Publications overdue")), data["publication_overdue"]),
                (
                    str(_("Figure")),
                    str(_("Average days from filing to decision")),
                    data["average_decision_days"],
                ),
                (
                    str(_("Figure")),
                    str(_("Average days from filing to closure")),
                    data["average_closure_days"],
                ),
            ]
        )
        return export_response(
            filename="penalty-case-figures",
            sheet=_("Penalty cases"),
            columns=[
                (gettext_lazy("Group"), lambda r: r[0]),
                (gettext_lazy("Item"), lambda r: str(r[1])),
                (gettext_lazy("Value"), lambda r: r[2]),
            ],
            rows=rows,
        )
    chart = {
        "status_labels": [str(label) for _v, label, _n in data["by_status"]],
        "status_values": [n for _v, _l, n in data["by_status"]],
        "source_items": [{"name": str(label), "value": n} for _v, label, n in data["by_source"]],
        "region_labels": [r["name"] for r in data["by_region"]],
        "region_open": [r["open"] for r in data["by_region"]],
        "region_overdue": [r["overdue"] for r in data["by_region"]],
        "series_cases": str(_("Cases")),
        "series_open": str(_("Open")),
        "series_overdue": str(_("Overdue")),
    }
    return render(
        request, "enforcement/figures.html", {"nav": NAV, "figures": data, "chart": chart}
    )


# --- the enterprise ------------------------------------------------------------------------------


@login_required
def my_pdf(request, pk: int, kind: str):
    """The party downloads the notice served on it (its rights and their deadlines) or the
    decision against it."""
    user = _enterprise_user(request)
    return _document_pdf(user, selectors.case_get(user, pk), kind)


@login_required
def my_cases(request):
    user = _enterprise_user(request)
    cases = selectors.case_list(user)
    return render(request, "enforcement/my_cases.html", {"nav": "enterprise", "cases": cases[:200]})


@login_required
def my_case(request, pk: int):
    user = _enterprise_user(request)
    case = selectors.case_get(user, pk)
    statement = forms.StatementForm(prefix="statement")
    removal = forms.ReasonForm(prefix="removal")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "statement":
                statement = forms.StatementForm(request.POST, prefix="statement")
                if statement.is_valid():
                    services.statement_submit(actor=user, case_id=case.pk, **statement.cleaned_data)
                    messages.success(request, _("Your statement was sent to the case officers."))
                    return redirect("enforcement:my_case", pk=case.pk)
            elif action == "hearing":
                services.hearing_request(actor=user, case_id=case.pk)
                messages.success(
                    request,
                    _(
                        "Your hearing request was received; you will be told the date at least 7 days before."
                    ),
                )
                return redirect("enforcement:my_case", pk=case.pk)
            elif action == "removal":
                removal = forms.ReasonForm(request.POST, prefix="removal")
                if removal.is_valid():
                    publishing.removal_apply(actor=user, case_id=case.pk, **removal.cleaned_data)
                    messages.success(request, _("Your application was sent to the bureau."))
                    return redirect("enforcement:my_case", pk=case.pk)
        except DomainError as error:
            if error.status in (401, 403, 404):
                raise
            target = {"statement": statement, "removal": removal}.get(action)
            if target is not None and target.is_bound:
                apply_errors(target, error)
            else:
                _error(request, error)
            case = selectors.case_get(user, pk)
    today = clock.today()
    return render(
        request,
        "enforcement/my_case.html",
        {
            "nav": "enterprise",
            "case": case,
            "today": today,
            "statement": statement,
            "removal": removal,
            "statements": list(case.statements.all()),
            "hearing": getattr(case, "hearing", None) if hasattr(case, "hearing") else None,
            "may_state": case.status == Status.NOTIFIED
            and not case.rights_waived_on
            and case.statement_due
            and today <= case.statement_due,
            "may_request_hearing": case.status == Status.NOTIFIED
            and case.hearing_right
            and not case.rights_waived_on
            and case.hearing_request_due
            and today <= case.hearing_request_due,
            "removal_from": publishing.removal_allowed_from(case),
            "removals": list(case.removal_applications.all()),
            "penalty_text": publishing.penalty_text(case),
            "provision": provisions.get(case.provision),
            "proposed": case.proposed_penalty,
        },
    )
