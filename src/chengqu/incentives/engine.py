"""The 开门红 engine: an enterprise's facts in, its awards, missing facts and near misses out.

The public entry points and the JSON shape. Each measure's rule is in chengqu.incentives.rules,
the batch machinery (compiled tables, caches, whole-column evaluation) in
chengqu.incentives.fastpath, the result types in chengqu.incentives.results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from chengqu.common import Citation, DomainError, round_fen
from chengqu.common.bulk import collector_paused
from chengqu.incentives.facts import parse_facts_fast
from chengqu.incentives.fastpath import evaluate_parsed, evaluate_rows
from chengqu.incentives.measures import Rules, default_rules
from chengqu.incentives.results import (
    Award,
    Batch,
    Evaluation,
    Guidance,
    MeasureTotal,
    NearMiss,
    Need,
    RowError,
    RowResult,
)
from chengqu.incentives.text import plain

__all__ = [
    "Award",
    "Batch",
    "Evaluation",
    "Guidance",
    "MeasureTotal",
    "NearMiss",
    "Need",
    "RowError",
    "RowResult",
    "check_as_of",
    "evaluate",
    "evaluate_many",
    "evaluation_to_dict",
    "guidance",
    "to_dict",
    "to_json",
]


def check_as_of(as_of: object, rules: Rules | None = None) -> date:
    """The evaluation date, refused when it is not a date or falls outside the claim period.

    Source: 城政办发〔2024〕5号 closing paragraph (validity), claim close assumed in the rule table
    """
    rules = rules or default_rules()
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise DomainError("incentives.as_of", "评估日期(as_of)必须是日期", field="as_of")
    if as_of < rules.claims_open:
        raise DomainError(
            "incentives.not_in_force",
            f"评估日期(as_of) {as_of.isoformat()} 早于{rules.document}的施行日期 {rules.claims_open.isoformat()}",
            field="as_of",
        )
    if as_of > rules.claims_close:
        assumed = "(假定, 可配置)" if rules.claims_close_assumed else ""
        raise DomainError(
            "incentives.expired",
            f"评估日期(as_of) {as_of.isoformat()} 晚于申报截止日 {rules.claims_close.isoformat()}{assumed}; "
            f"{rules.document} 有效期至 {rules.expires.isoformat()}",
            field="as_of",
        )
    return as_of


def evaluate(facts: Mapping[str, object], as_of: date, *, rules: Rules | None = None) -> Evaluation:
    """What an enterprise can claim under the sixteen measures, given its facts at ``as_of``.

    Facts are named as in issue 7 §2 (amounts in yuan, growth in percent, areas in m²); a measure
    is assessed when at least one of its facts is given, and a measure missing some of its facts
    lists them in ``needs`` instead of paying nothing. Raises DomainError naming the bad field.

    Source: 城政办发〔2024〕5号 1–16 and closing paragraph
    """
    rules = rules or default_rules()
    check_as_of(as_of, rules)
    return evaluate_parsed(parse_facts_fast(facts, rules), as_of, rules)


def evaluate_many(
    rows: Iterable[Mapping[str, object]], as_of: date, *, rules: Rules | None = None
) -> Batch:
    """Every row evaluated on its own: a bad row becomes a RowError, the good rows go on.

    Each row needs an ``id``; a repeated id is an error on its later rows (one enterprise is paid
    once per measure). A bad ``as_of`` concerns the whole batch and raises DomainError.

    Source: 城政办发〔2024〕5号 (免申即享 batch matching, issue 7 §4)
    """
    rules = rules or default_rules()
    check_as_of(as_of, rules)
    return collector_paused(evaluate_rows, rows, as_of, rules)


# ------------------------------------------------------------------------------ JSON


def _citation_dict(citation: Citation) -> dict[str, str]:
    return {"document": citation.document, "clause": citation.clause, "text": citation.text}


def evaluation_to_dict(
    evaluation: Evaluation, id: str | None = None, *, detail: bool = False
) -> dict[str, Any]:
    """One enterprise's result in the CLI's shape; ``detail`` adds guidance, notes and lead units."""
    awards = []
    for award in evaluation.awards:
        item: dict[str, Any] = {
            "measure": award.measure,
            "tier": award.tier,
            "amount": f"{award.amount:.2f}",
            "reason": award.reason,
            "citation": _citation_dict(award.citation),
        }
        if detail:
            item.update(lead_unit=award.lead_unit, one_off=award.one_off, estimate=award.estimate)
        awards.append(item)
    result: dict[str, Any] = {
        "id": id,
        "awards": awards,
        "total": f"{round_fen(evaluation.total):.2f}",
        "needs": [
            {"measure": n.measure, "field": n.field, "message": n.message} for n in evaluation.needs
        ],
        "near_misses": [
            {
                "measure": m.measure,
                "tier": m.tier,
                "field": m.field,
                "shortfall": plain(m.shortfall),
                "unit": m.unit,
                "message": m.message,
            }
            for m in evaluation.near_misses
        ],
    }
    if detail:
        result["guidance"] = [
            {"measure": g.measure, "text": g.text, "citation": _citation_dict(g.citation)}
            for g in evaluation.guidance
        ]
        result["notes"] = list(evaluation.notes)
    return result


def _results_to_dicts(batch: Batch, detail: bool) -> list[dict[str, Any]]:
    return [evaluation_to_dict(row.evaluation, row.id, detail=detail) for row in batch.results]


def to_dict(batch: Batch, *, detail: bool = False) -> dict[str, Any]:
    """``{"results": [...], "errors": [...]}`` as in issue 7 §5, amounts as "yuan.fen" strings."""
    results = collector_paused(_results_to_dicts, batch, detail)
    return {
        "results": results,
        "errors": [
            {"index": e.index, "id": e.id, "code": e.code, "message": e.message, "field": e.field}
            for e in batch.errors
        ],
    }


def to_json(batch: Batch, *, detail: bool = False, indent: int | None = None) -> str:
    """The batch as one JSON document (UTF-8 Chinese kept readable)."""
    return collector_paused(_dumps, to_dict(batch, detail=detail), indent)


def _dumps(document: dict[str, Any], indent: int | None) -> str:
    return json.dumps(document, ensure_ascii=False, indent=indent)


def guidance(rules: Rules | None = None) -> tuple[Guidance, ...]:
    """The parts of measures 9, 10 and 16 that are no formula, each with its clause.

    Source: 城政办发〔2024〕5号 9, 10, 16
    """
    rules = rules or default_rules()
    return tuple(Guidance(m.number, m.guidance, m.citation) for m in rules.measures if m.guidance)
