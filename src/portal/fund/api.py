"""JSON API of the fund module, mounted at /api/v1/fund/. Same roles and ownership as the pages."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from chengqu.common import clock
from chengqu.fund import check_signoff, latest_signoff_date, quote_fee
from chengqu.fund.terms import citations_json
from portal.accounts.models import Department, User
from portal.core.api_schema import Day, Id, OneOf, Year, max_len
from portal.fund import access, selectors, services
from portal.fund.models import Application, State
from portal.fund.workflow import ACTIONS, perform

router = Router(tags=["应急周转资金"])
# An amount in yuan as text ("1200000.00"); the service reads it exactly and says what is wrong.
Money = Annotated[str, Field(max_length=32)]


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not access.has_any_view_role(user):
        raise PermissionDenied("您的角色无权访问应急周转资金")
    return user


def _app(request: HttpRequest, pk: int) -> Application:
    app = access.applications_visible(_user(request)).filter(pk=pk).first()
    if app is None:
        raise Http404("没有这个申请")
    return app


def application_json(app: Application, *, today: date, detail: bool = False) -> dict[str, Any]:
    money = (
        "maturing_amount",
        "requested",
        "renewal_amount",
        "approved_amount",
        "renewed_amount",
        "fee",
        "liability_amount",
    )
    days = (
        "maturity",
        "signed_on",
        "planned_repayment",
        "contract_signed_on",
        "disbursed_on",
        "renewed_on",
        "repaid_on",
    )
    body: dict[str, Any] = {
        "id": app.pk,
        "number": app.number,
        "state": app.state,
        "state_label": app.get_state_display(),
        "enterprise": {"id": app.enterprise_id, "name": app.enterprise.name},
        "bank": {"id": app.bank_id, "name": app.bank.name},
        "entity_kind": app.entity_kind,
        "loan_kind": app.loan_kind,
        "industry": app.industry,
        "overdue": selectors.is_overdue(app, today=today),
    }
    body.update(
        {f: (f"{getattr(app, f):.2f}" if getattr(app, f) is not None else None) for f in money}
    )
    body.update({f: (getattr(app, f).isoformat() if getattr(app, f) else None) for f in days})
    if detail:
        body["deadlines"] = [
            {
                "label": d.label,
                "date": d.day.isoformat() if d.day else None,
                "status": d.status,
                "late": d.late,
            }
            for d in selectors.deadlines(app, today=today)
        ]
        body["timeline"] = [
            {
                "at": e.at.isoformat(),
                "from": e.from_state,
                "to": e.to_state,
                "day": e.day.isoformat() if e.day else None,
                "note": e.note,
                "actor": str(e.actor) if e.actor else None,
            }
            for e in app.events.select_related("actor")
        ]
        body["application_documents"] = app.application_documents
        body["review_documents"] = app.review_documents
        body["facts"] = app.facts
        body["reason"] = app.reason
    return body


class ApplicationIn(Schema):
    bank: Id
    maturing_amount: Money
    maturity: Day
    requested: Money
    entity_kind: Annotated[str, OneOf(tuple(Application.EntityKind.values))] = "enterprise"
    loan_kind: Annotated[str, OneOf(tuple(Application.LoanKind.values))] = "working_capital"
    industry: Annotated[str, Field(max_length=max_len(Application, "industry"))] = ""
    contact: Annotated[str, Field(max_length=max_len(Application, "contact"))] = ""
    loan_contract_no: Annotated[str, Field(max_length=max_len(Application, "loan_contract_no"))] = (
        ""
    )
    purpose: Annotated[str, Field(max_length=max_len(Application, "purpose"))] = ""


class StepIn(Schema):
    day: Day | None = None
    signed_on: Day | None = None
    opinion: str = ""
    renewal_amount: Money | None = None
    documents: list[Annotated[str, Field(max_length=200)]] = []
    reason: str = ""
    facts: dict[str, bool | None] = {}
    approved_amount: Money | None = None
    planned_repayment: Day | None = None
    renewed_on: Day | None = None
    amount: Money | None = None
    repaid_on: Day | None = None
    found: Day | None = None
    note: str = ""
    on: Day | None = None


@router.get("/applications", summary="可见的申请")
def applications(
    request: HttpRequest, state: Annotated[str, OneOf(("", *State.values))] = ""
) -> dict[str, Any]:
    rows = access.applications_visible(_user(request))
    if state:
        rows = rows.filter(state=state)
    today = clock.today()
    return {"items": [application_json(a, today=today) for a in rows[:500]]}


@router.post("/applications", summary="企业填写申请")
def application_create(request: HttpRequest, payload: ApplicationIn) -> dict[str, Any]:
    user = _user(request)
    data = payload.dict()
    data["bank"] = Department.objects.filter(pk=payload.bank).first()
    app = services.application_create(actor=user, data=data)
    return application_json(app, today=clock.today(), detail=True)


@router.get("/applications/{pk}", summary="申请详情、期限和进程")
def application_detail(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return application_json(_app(request, pk), today=clock.today(), detail=True)


@router.get("/applications/{pk}/assessment", summary="审核检查(不写入)")
def application_assessment(request: HttpRequest, pk: Id) -> dict[str, Any]:
    user = _user(request)
    access.require(access.sees_all(user), "只有承办主体、区金融办和审计可以查看审核检查")
    from chengqu.fund import decision_json

    result = services.assess(_app(request, pk))
    return {
        "ok": result["ok"],
        **{k: decision_json(result[k]) for k in ("eligibility", "documents", "amount")},
    }


@router.post("/applications/{pk}/{action}", summary="办理一个步骤")
def application_step(
    request: HttpRequest, pk: Id, action: Annotated[str, OneOf(tuple(ACTIONS))], payload: StepIn
) -> dict[str, Any]:
    app = _app(request, pk)
    app = perform(actor=_user(request), application=app, action=action, data=payload.dict())
    return application_json(app, today=clock.today(), detail=True)


def _ledger_reader(request: HttpRequest) -> User:
    user = _user(request)
    access.require(access.can_see_ledger(user), "只有承办主体、区金融办和审计可以查看资金账")
    return user


@router.get("/balances", summary="科目余额与可用余额")
def balances(request: HttpRequest) -> dict[str, Any]:
    _ledger_reader(request)
    totals = selectors.balances()
    return {
        "balances": {k: f"{v:.2f}" for k, v in totals.items()},
        "available": f"{selectors.available(totals):.2f}",
        "fund_size": f"{selectors.fund_size():.2f}",
    }


@router.get("/ledger", summary="记账凭证")
def ledger(
    request: HttpRequest, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> dict[str, Any]:
    _ledger_reader(request)
    return {
        "items": [
            {
                "id": tx.pk,
                "key": tx.key,
                "kind": tx.kind,
                "day": tx.day.isoformat(),
                "memo": tx.memo,
                "application": tx.application_id,
                "reverses": tx.reverses_id,
                "legs": [
                    {"account": leg.account, "side": leg.side, "amount": f"{leg.amount:.2f}"}
                    for leg in tx.legs.all()
                ],
            }
            for tx in selectors.transactions_page(limit=limit)
        ]
    }


@router.get("/reconcile", summary="对账")
def reconcile(request: HttpRequest) -> dict[str, Any]:
    _ledger_reader(request)
    return selectors.reconcile().as_dict()


@router.get("/reports/{kind}", summary="月报、季报、年报")
def report(
    request: HttpRequest,
    kind: Annotated[str, OneOf(("month", "quarter", "year"))],
    year: Year,
    number: Annotated[int, Query(ge=1, le=12)] = 1,  # the month (1—12) or the quarter (1—4)
) -> dict[str, Any]:
    _ledger_reader(request)
    return selectors.report(kind, year, number, today=clock.today()).as_dict()


@router.get("/quote", summary="占用费测算")
def quote(request: HttpRequest, principal: Money, disbursed: Day, repaid: Day) -> dict[str, Any]:
    _user(request)
    return quote_fee(principal=principal, disbursed=disbursed, repaid=repaid).as_dict()


@router.get("/sign-deadline", summary="银行最迟签署日")
def sign_deadline(request: HttpRequest, maturity: Day) -> dict[str, Any]:
    _user(request)
    decision = latest_signoff_date(maturity)
    return {
        "latest_sign_date": decision.value.isoformat(),
        "citations": citations_json(decision.citations),
    }


@router.get("/check-sign", summary="银行签署是否及时")
def check_sign(request: HttpRequest, maturity: Day, signed: Day) -> dict[str, Any]:
    _user(request)
    return check_signoff(signed, maturity).as_dict()
