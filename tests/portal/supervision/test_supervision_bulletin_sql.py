"""The bulletin's buckets are counted by the database; they must agree with the loop's colour rules
(chengqu.supervision.loop.colour_code) item by item, at the edges of every rule."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from chengqu.supervision import Colour, State
from chengqu.supervision.loop import behind_margin, colour_code, due_soon_days
from portal.supervision.models import LoopItem
from portal.supervision.selectors import bulletin_figures, distinct_values

D0 = date(2024, 3, 19)


def _reference(items: list[LoopItem], end: date) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for i in items:
        state = State(i.state)
        bucket = None
        if state is State.CLOSED:
            if i.closed_on is not None and i.closed_on <= end:
                bucket = "done"
            state = State.IN_PROGRESS
        if bucket is None:
            colour = colour_code(
                state, i.dispatched, i.due, i.progress, end, due_soon_days(), behind_margin()
            )
            bucket = {Colour.RED: "overdue", Colour.YELLOW: "behind"}.get(colour, "on_track")
        out.setdefault(i.unit_name, Counter())[bucket] += 1
    return out


def test_sql_buckets_match_the_colour_rules(db) -> None:
    rng = random.Random(8)
    items = []
    for n in range(400):
        length = rng.choice([0, 1, 5, 10, 73, 100, 365])
        due = D0 + timedelta(days=length)
        state = rng.choice(list(LoopItem.State.values))
        closed_on = due + timedelta(days=rng.randint(-5, 5)) if state == "closed" else None
        if state == "closed" and n % 7 == 0:
            closed_on = None
        items.append(
            LoopItem(
                kind="task",
                text=f"t{n}",
                unit_name=f"单位{n % 5}",
                dispatched=D0,
                due=due,
                state=state,
                progress=rng.choice([0, 10, 29, 30, 31, 50, 79, 80, 81, 99, 100]),
                closed_on=closed_on,
            )
        )
    LoopItem.objects.bulk_create(items)
    # the ends fall on, just before and just after the rules' edges
    for end in (
        D0,
        D0 + timedelta(days=1),
        D0 + timedelta(days=3),
        D0 + timedelta(days=5),
        D0 + timedelta(days=37),
        D0 + timedelta(days=73),
        D0 + timedelta(days=74),
        D0 + timedelta(days=100),
        D0 + timedelta(days=366),
    ):
        got = {
            f["unit"]: {b: f[b] for b in ("done", "on_track", "behind", "overdue") if f[b]}
            for f in bulletin_figures(LoopItem.objects.filter(dispatched__lte=end), end=end)
        }
        want = {unit: dict(c) for unit, c in _reference(items, end).items()}
        assert got == want, end


def test_bulletin_by_leader_groups_unnamed_leaders(db) -> None:
    LoopItem.objects.bulk_create(
        [
            LoopItem(
                kind="task", text="a", leader="张海忠", dispatched=D0, due=D0 + timedelta(days=10)
            ),
            LoopItem(
                kind="task",
                text="b",
                leader="",
                dispatched=D0,
                due=D0 + timedelta(days=10),
                state="closed",
                closed_on=D0 + timedelta(days=2),
            ),
        ]
    )
    figures = {
        f["unit"]: f
        for f in bulletin_figures(LoopItem.objects.all(), end=D0 + timedelta(days=3), by="leader")
    }
    assert figures["张海忠"]["total"] == 1
    assert figures["各镇(街道)及其他"]["done"] == 1


def test_filter_choices_show_only_what_the_unit_sees(world) -> None:
    finance_leaders = distinct_values(world.finance_user, "leader")
    assert finance_leaders
    own = set(
        LoopItem.objects.filter(kind="task", unit=world.finance).values_list("leader", flat=True)
    )
    shared = set(
        LoopItem.objects.filter(kind="task", co_units=world.finance).values_list(
            "leader", flat=True
        )
    )
    assert set(finance_leaders) == (own | shared) - {""}
    assert distinct_values(world.inspector, "source") == sorted(
        set(LoopItem.objects.filter(kind="task").values_list("source", flat=True)) - {""}
    )
    assert "城政办发〔2024〕3号" not in distinct_values(world.finance_user, "source", kind="hazard")
