"""The path of a claim: 申报 → 审核 (牵头单位) → 审批 (区政府) → 兑现, with 退回 at review or approval.

One table: each step, the states it may be taken from and the state it leads to (on passing; a
refusal at review or approval leads to 未通过). Services consult it before a step, the claim page
derives its buttons from it; who may take a step is decided in ``permissions.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from portal.incentives.models import Claim

Status = Claim.Status


class Step(StrEnum):
    DOCUMENTS = "documents"  # the enterprise adds supporting documents
    REVIEW = "review"  # 牵头单位审核
    APPROVE = "approve"  # 区政府审批
    PAY = "pay"  # 兑现


@dataclass(frozen=True, slots=True)
class Transition:
    sources: frozenset[str]
    target: str  # the state on passing (the same state for adding documents)
    refused: str | None  # the state when the step refuses the claim (退回 / 不予批准)


TRANSITIONS: dict[Step, Transition] = {
    Step.DOCUMENTS: Transition(frozenset({Status.SUBMITTED}), Status.SUBMITTED, None),
    Step.REVIEW: Transition(frozenset({Status.SUBMITTED}), Status.REVIEWED, Status.REJECTED),
    Step.APPROVE: Transition(frozenset({Status.REVIEWED}), Status.APPROVED, Status.REJECTED),
    Step.PAY: Transition(frozenset({Status.APPROVED}), Status.PAID, None),
}


def may_take(step: Step, status: str) -> bool:
    """Whether a claim in ``status`` may take ``step``."""
    return status in TRANSITIONS[step].sources


def next_status(step: Step, *, passed: bool = True) -> str:
    """The state ``step`` leads to: on passing, or when it refuses the claim."""
    transition = TRANSITIONS[step]
    if passed:
        return transition.target
    if transition.refused is None:
        raise ValueError(f"step {step} does not refuse a claim")
    return transition.refused
