"""The closed loop: transitions, refusals, extensions, escalation, colours; property tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengqu.common import DomainError
from chengqu.supervision import (
    Action,
    Colour,
    LoopState,
    State,
    colour_of,
    dispatch,
    is_overdue,
    transition,
)

D0 = date(2024, 3, 19)
DUE = date(2024, 5, 31)


def new() -> LoopState:
    return dispatch(dispatched=D0, due=DUE)


def closed_by_other() -> LoopState:
    s = transition(new(), Action.ACCEPT, on=D0, actor="unit")
    s = transition(s, Action.SUBMIT, on=D0 + timedelta(days=10), actor="unit", evidence="验收报告")
    return transition(s, Action.PASS, on=D0 + timedelta(days=11), actor="inspector")


def test_full_loop_closes() -> None:
    s = closed_by_other()
    assert s.state is State.CLOSED
    assert s.closed_on == D0 + timedelta(days=11)
    assert colour_of(s, DUE + timedelta(days=100)) is Colour.DONE


def test_deadline_before_dispatch_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        dispatch(dispatched=D0, due=D0 - timedelta(days=1))
    assert err.value.code == "loop.due_before_dispatch"
    assert "早于" in err.value.message


def test_progress_on_closed_task_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        transition(
            closed_by_other(), Action.PROGRESS, on=DUE, actor="unit", progress=50, reason="x"
        )
    assert err.value.code == "loop.closed"


def test_verification_by_the_fixer_is_refused() -> None:
    s = transition(new(), Action.SUBMIT, on=D0, actor="fixer", evidence="照片")
    with pytest.raises(DomainError) as err:
        transition(s, Action.PASS, on=D0, actor="fixer")
    assert err.value.code == "loop.self_verify"


def test_submit_needs_evidence_and_return_needs_reason() -> None:
    with pytest.raises(DomainError):
        transition(new(), Action.SUBMIT, on=D0, actor="u", evidence=" ")
    s = transition(new(), Action.SUBMIT, on=D0, actor="u", evidence="材料")
    with pytest.raises(DomainError):
        transition(s, Action.RETURN, on=D0, actor="i")
    back = transition(s, Action.RETURN, on=D0, actor="i", reason="佐证不足")
    assert back.state is State.RETURNED
    assert back.returns == 1
    assert colour_of(back, D0) is Colour.YELLOW


def test_extension_before_due_with_reason_then_approved() -> None:
    s = transition(
        new(),
        Action.REQUEST_EXTENSION,
        on=DUE,
        actor="u",
        reason="汛期停工",
        new_due=date(2024, 6, 30),
    )
    assert s.pending_due == date(2024, 6, 30)
    assert s.due == DUE
    s = transition(s, Action.APPROVE_EXTENSION, on=DUE, actor="i")
    assert s.due == date(2024, 6, 30)
    assert s.pending_due is None


@pytest.mark.parametrize(
    ("on", "reason", "new_due", "code"),
    [
        (DUE + timedelta(days=1), "理由", date(2024, 6, 30), "loop.extension_late"),
        (DUE, "", date(2024, 6, 30), "loop.extension_reason"),
        (DUE, "理由", DUE, "loop.extension_date"),
    ],
)
def test_extension_refusals(on: date, reason: str, new_due: date, code: str) -> None:
    with pytest.raises(DomainError) as err:
        transition(
            new(), Action.REQUEST_EXTENSION, on=on, actor="u", reason=reason, new_due=new_due
        )
    assert err.value.code == code


def test_colours() -> None:
    s = new()
    assert colour_of(s, D0) is Colour.GREEN
    assert (
        colour_of(s, DUE - timedelta(days=3), soon_days=7) is Colour.YELLOW
    )  # 0 % with time nearly gone
    on_track = transition(s, Action.PROGRESS, on=D0, actor="u", progress=95, reason="基本完成")
    assert colour_of(on_track, DUE - timedelta(days=3), soon_days=7) is Colour.BLUE
    assert colour_of(on_track, DUE + timedelta(days=1)) is Colour.RED
    assert is_overdue(on_track, DUE + timedelta(days=1))
    assert not is_overdue(on_track, DUE)


def test_escalation_only_when_overdue_or_returned() -> None:
    with pytest.raises(DomainError):
        transition(new(), Action.ESCALATE, on=D0, actor="i")
    s = transition(new(), Action.ESCALATE, on=DUE + timedelta(days=1), actor="i")
    assert s.escalation == 1


actions = st.sampled_from(list(Action))
actors = st.sampled_from(["unit", "inspector", "leader"])


@given(
    st.lists(
        st.tuples(actions, actors, st.integers(0, 120), st.integers(-1, 101), st.booleans()),
        max_size=25,
    )
)
def test_loop_invariants(steps: list[tuple[Action, str, int, int, bool]]) -> None:
    s = new()
    verifier = ""
    messages: list[str] = []
    for action, actor, offset, progress, filled in steps:
        on = D0 + timedelta(days=offset)
        before = s
        try:
            s = transition(
                s,
                action,
                on=on,
                actor=actor,
                progress=progress,
                evidence="材料" if filled else "",
                reason="理由" if filled else "",
                new_due=before.due + timedelta(days=offset + 1),
            )
        except DomainError as err:
            messages.append(err.message)
            continue
        assert before.state is not State.CLOSED  # closed is terminal
        if s.state is State.CLOSED:
            verifier = actor
            assert before.state is State.SUBMITTED
            assert verifier != before.submitted_by  # 复查 by someone other than the fixer
        assert s.due >= s.dispatched
        assert s.due >= before.due
        assert 0 <= s.progress <= 100
        assert s.escalation >= before.escalation
    assert colour_of(s, D0 + timedelta(days=200)) in (
        Colour.DONE,
        Colour.RED,
        Colour.YELLOW,
        Colour.BLUE,
        Colour.GREEN,
    )
    if s.state is State.CLOSED:
        assert colour_of(s, D0 + timedelta(days=500)) is Colour.DONE
    assert all(messages)  # every refusal explains itself in Chinese


@given(st.integers(0, 400), st.integers(0, 100), st.integers(0, 400))
def test_overdue_colour_is_red_exactly_after_due(span: int, progress: int, offset: int) -> None:
    s = transition(
        dispatch(dispatched=D0, due=D0 + timedelta(days=span)),
        Action.PROGRESS,
        on=D0,
        actor="u",
        progress=progress,
        reason="进展",
    )
    today = D0 + timedelta(days=offset)
    assert (colour_of(s, today) is Colour.RED) == (today > s.due)


def test_escalation_ladder_by_days_overdue() -> None:
    from chengqu.supervision.loop import due_escalation, escalation_steps

    assert [(s.level, s.after_days) for s in escalation_steps()] == [(1, 1), (2, 15), (3, 30)]
    s = new()
    assert due_escalation(s, DUE) is None  # due today: not overdue
    level = {
        days: (due_escalation(s, DUE + timedelta(days=days)) or None)
        for days in (1, 14, 15, 29, 30, 400)
    }
    assert {d: step.level for d, step in level.items() if step} == {
        1: 1,
        14: 1,
        15: 2,
        29: 2,
        30: 3,
        400: 3,
    }
    assert "inspectorate" in escalation_steps()[0].tell
    assert "government_office" in escalation_steps()[2].tell
    submitted = transition(s, Action.SUBMIT, on=D0, actor="unit", evidence="x")
    assert due_escalation(submitted, DUE + timedelta(days=100)) is None  # awaiting review: not late
    assert due_escalation(closed_by_other(), DUE + timedelta(days=100)) is None


def test_a_split_item_cannot_be_reported_done_or_closed_while_parts_are_open() -> None:
    s = transition(new(), Action.ACCEPT, on=D0, actor="unit")
    with pytest.raises(DomainError) as err:
        transition(s, Action.SUBMIT, on=D0, actor="unit", evidence="照片", open_children=2)
    assert err.value.code == "loop.open_children"
    assert "还有2项分项" in err.value.message
    submitted = transition(s, Action.SUBMIT, on=D0, actor="unit", evidence="照片")
    with pytest.raises(DomainError) as err:
        transition(submitted, Action.PASS, on=D0, actor="inspector", open_children=1)
    assert err.value.code == "loop.open_children"
    # progress and returns are not blocked by open parts
    assert (
        transition(
            s, Action.PROGRESS, on=D0, actor="unit", progress=50, reason="推进", open_children=1
        ).progress
        == 50
    )
