"""Pages of the fund module: applications and their steps, the ledger, reports, exports, forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chengqu.common import DomainError, clock
from chengqu.fund import EntityKind, Stage, document_checklist, fund_rules
from chengqu.fund.eligibility import FACT_NAMES
from portal.accounts.access import role_required
from portal.accounts.models import Department, User
from portal.core.exports import docx_response, xlsx_response
from portal.fund import access, exports, selectors, services
from portal.fund.access import VIEW_ROLES
from portal.fund.documents import agreement, application_form, loan_contract
from portal.fund.models import Account, Application, Exclusion, LedgerTransaction, State
from portal.fund.workflow import ACTIONS, may_take, perform


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _visible(request: HttpRequest, pk: int) -> Application:
    app = access.applications_visible(_user(request)).filter(pk=pk).first()
    if app is None:
        raise Http404("没有这个申请, 或您无权查看")
    return app


def _ledger_reader(request: HttpRequest) -> User:
    user = _user(request)
    if not access.can_see_ledger(user):
        raise PermissionDenied("只有承办主体、区金融办和审计可以查看资金账")
    return user


@role_required(*VIEW_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = access.applications_visible(user)
    state = request.GET.get("state", "")
    if state:
        rows = rows.filter(state=state)
    today = clock.today()
    items = [{"app": a, "overdue": selectors.is_overdue(a, today=today)} for a in rows[:300]]
    return render(
        request,
        "fund/index.html",
        {
            "items": items,
            "states": State.choices,
            "state": state,
            "today": today,
            "can_apply": access.enterprise_of(user) is not None
            and not access.is_read_only_user(user),
            "can_see_ledger": access.can_see_ledger(user),
            "rules": fund_rules(),
            "citations": [fund_rules().cite(k) for k in ("purpose", "fee", "signoff", "renewal")],
        },
    )


@role_required(*VIEW_ROLES)
def create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if access.enterprise_of(user) is None or access.is_read_only_user(user):
        raise PermissionDenied("只有企业用户可以填写申请")
    banks = Department.objects.filter(kind=Department.Kind.BANK, active=True).order_by("name")
    error = None
    values: dict[str, Any] = dict(request.POST.items()) if request.method == "POST" else {}
    if request.method == "POST":
        try:
            data: dict[str, Any] = dict(values)
            try:
                data["maturity"] = date.fromisoformat(values.get("maturity", ""))
            except ValueError:
                raise DomainError(
                    "fund.date", "贷款到期日格式应为 YYYY-MM-DD", field="maturity"
                ) from None
            data["bank"] = banks.filter(pk=values.get("bank") or 0).first()
            app = services.application_create(actor=user, data=data)
            messages.success(request, f"已保存申请 {app.number}")
            return redirect("fund:detail", pk=app.pk)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "fund/create.html",
        {
            "banks": banks,
            "error": error,
            "values": values,
            "entity_kinds": Application.EntityKind.choices,
            "loan_kinds": Application.LoanKind.choices,
        },
    )


@role_required(*VIEW_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    app = _visible(request, pk)
    today = clock.today()
    kind = EntityKind(app.entity_kind)
    actions = [a for a in ACTIONS.values() if may_take(user, app, a)]
    assessment = (
        services.assess(app) if access.sees_all(user) and app.state == State.SIGNED else None
    )
    rules = fund_rules()
    facts = [(name, rules.fact_labels.get(name, name), app.facts.get(name)) for name in FACT_NAMES]
    return render(
        request,
        "fund/detail.html",
        {
            "app": app,
            "today": today,
            "deadlines": selectors.deadlines(app, today=today),
            "events": app.events.select_related("actor"),
            "actions": actions,
            "application_docs": [
                (d, d.key in app.application_documents)
                for d in document_checklist(Stage.APPLICATION, kind)
            ],
            "review_docs": [
                (d, d.key in app.review_documents) for d in document_checklist(Stage.REVIEW, kind)
            ],
            "facts": facts,
            "assessment": assessment,
            "exclusions": services.active_exclusions(app.enterprise)
            if access.sees_all(user)
            else [],
            "transactions": app.transactions.prefetch_related("legs")
            if access.can_see_ledger(user)
            else [],
            "sees_all": access.sees_all(user),
            "can_see_ledger": access.can_see_ledger(user),
        },
    )


@require_POST
@role_required(*VIEW_ROLES)
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    app = _visible(request, pk)
    if action not in ACTIONS:
        raise Http404("没有这个操作")
    data: dict[str, Any] = {
        k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "documents")
    }
    data["documents"] = request.POST.getlist("documents")
    if action == "review":
        data["facts"] = {
            name: True
            if request.POST.get(f"fact_{name}") == "yes"
            else (False if request.POST.get(f"fact_{name}") == "no" else None)
            for name in FACT_NAMES
        }
    try:
        perform(actor=_user(request), application=app, action=action, data=data)
        messages.success(request, f"{ACTIONS[action].label}: 已完成")
    except DomainError as exc:
        messages.error(request, f"{ACTIONS[action].label}未完成: {exc.message}")
    return redirect("fund:detail", pk=app.pk)


@role_required(*VIEW_ROLES)
def document(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    app = _visible(request, pk)
    builders = {"application": application_form, "agreement": agreement, "contract": loan_contract}
    if name not in builders:
        raise Http404("没有这个文书")
    title, data = builders[name](app)
    return docx_response(data, f"{title}-{app.number}.docx")


@role_required(*VIEW_ROLES)
def ledger(request: HttpRequest) -> HttpResponse:
    user = _ledger_reader(request)
    totals = selectors.balances()
    writer = (
        access.is_operator(user) or access.is_finance_office(user)
    ) and not access.is_read_only_user(user)
    year = clock.today().year
    fee_income = services.year_fee_income(year)
    spent = services.year_management_spent(year)
    from chengqu.fund import management_cost_cap, reserve_cap

    return render(
        request,
        "fund/ledger.html",
        {
            "can_see_ledger": True,
            "balances": [(Account(a).label, a, v) for a, v in totals.items()],
            "available": selectors.available(totals),
            "fund_size": selectors.fund_size(),
            "transactions": selectors.transactions_page(),
            "writer": writer,
            "today": clock.today(),
            "reconciliation": selectors.reconcile(),
            "finance": access.is_finance_office(user) and writer,
            "year": year,
            "fee_income": fee_income,
            "spent": spent,
            "expense_cap": management_cost_cap(fee_income),
            "reserve": -totals[Account.RESERVE],
            "reserve_cap": reserve_cap(max(Decimal(0), -totals[Account.CAPITAL])).quantize(
                Decimal("0.01")
            ),
            "citations": [
                fund_rules().cite(k) for k in ("fund", "reserve", "management_cost", "surplus")
            ],
        },
    )


@require_POST
@role_required(*VIEW_ROLES)
def ledger_post(request: HttpRequest, kind: str) -> HttpResponse:
    user = _ledger_reader(request)
    p = request.POST
    try:
        try:
            day = date.fromisoformat(p.get("day", ""))
        except ValueError:
            raise DomainError("fund.date", "日期格式应为 YYYY-MM-DD", field="day") from None
        key = p.get("key", "").strip()
        if kind in ("capital", "interest", "expense") and not key:
            raise DomainError(
                "fund.ledger_key", "请填写业务编号(幂等键), 同一编号只记一次", field="key"
            )
        if kind == "capital":
            services.capital_pay_in(
                actor=user, amount=p.get("amount", ""), day=day, key=key, memo=p.get("memo", "")
            )
        elif kind == "interest":
            services.interest_post(actor=user, amount=p.get("amount", ""), day=day, key=key)
        elif kind == "expense":
            services.expense_post(
                actor=user, amount=p.get("amount", ""), day=day, key=key, memo=p.get("memo", "")
            )
        elif kind == "size":
            services.fund_size_decide(
                actor=user, size_wan=p.get("size_wan", ""), decided_on=day, basis=p.get("basis", "")
            )
        elif kind == "terminate":
            services.fund_terminate(actor=user, day=day, approval=p.get("approval", ""))
        elif kind == "reverse":
            tx = LedgerTransaction.objects.filter(pk=p.get("tx") or 0).first()
            if tx is None:
                raise DomainError("fund.tx", "没有这张凭证", field="tx")
            services.transaction_reverse(actor=user, tx=tx, day=day, reason=p.get("reason", ""))
        else:
            raise Http404("没有这种记账")
        messages.success(request, "已记账")
    except DomainError as exc:
        messages.error(request, f"未记账: {exc.message}")
    return redirect("fund:ledger")


@role_required(*VIEW_ROLES)
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    _ledger_reader(request)
    return xlsx_response(exports.ledger_workbook(), "应急周转资金明细账.xlsx")


def _period(request: HttpRequest) -> tuple[str, int, int]:
    today = clock.today()
    kind = request.GET.get("kind", "month")
    try:
        year = int(request.GET.get("year", today.year))
        number = int(
            request.GET.get(
                "number", today.month if kind == "month" else (today.month - 1) // 3 + 1
            )
        )
    except ValueError:
        raise DomainError("fund.period", "年份和期数应为整数", field="year") from None
    return kind, year, number


@role_required(*VIEW_ROLES)
def reports(request: HttpRequest) -> HttpResponse:
    _ledger_reader(request)
    error = result = None
    kind, year, number = "month", clock.today().year, clock.today().month
    try:
        kind, year, number = _period(request)
        result = selectors.report(kind, year, number, today=clock.today())
    except DomainError as exc:
        error = exc
    chart = exports.bar_chart_svg(result.by_bank if result else [])
    return render(
        request,
        "fund/reports.html",
        {
            "can_see_ledger": True,
            "report": result,
            "error": error,
            "kind": kind,
            "year": year,
            "number": number,
            "chart": chart,
            "citations": selectors.report_citations(),
        },
    )


@role_required(*VIEW_ROLES)
def reports_xlsx(request: HttpRequest) -> HttpResponse:
    _ledger_reader(request)
    kind, year, number = _period(request)
    result = selectors.report(kind, year, number, today=clock.today())
    return xlsx_response(exports.report_workbook(result), f"{result.title}.xlsx")


@role_required(*VIEW_ROLES)
def exclusions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.sees_all(user):
        raise PermissionDenied("只有承办主体、区金融办和审计可以查看不得申报名单")
    writer = (
        access.is_operator(user) or access.is_finance_office(user)
    ) and not access.is_read_only_user(user)
    if request.method == "POST":
        if not writer:
            raise PermissionDenied("您无权记录不得申报名单")
        try:
            enterprise = Department.objects.filter(
                pk=request.POST.get("enterprise") or 0, kind="enterprise"
            ).first()
            if enterprise is None:
                raise DomainError("fund.enterprise", "请选择企业", field="enterprise")
            try:
                since = date.fromisoformat(request.POST.get("since", ""))
            except ValueError:
                raise DomainError("fund.date", "日期格式应为 YYYY-MM-DD", field="since") from None
            services.exclusion_record(
                actor=user,
                enterprise=enterprise,
                reason=request.POST.get("reason", ""),
                since=since,
                note=request.POST.get("note", ""),
            )
            messages.success(request, "已记入不得申报名单")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("fund:exclusions")
    return render(
        request,
        "fund/exclusions.html",
        {
            "can_see_ledger": True,
            "rows": Exclusion.objects.select_related("enterprise"),
            "writer": writer,
            "today": clock.today(),
            "enterprises": Department.objects.filter(kind="enterprise").order_by("name"),
            "reasons": [(k, v[1]) for k, v in services.EXCLUSION_REASONS.items()],
            "citation": fund_rules().cite("exclusions"),
        },
    )
