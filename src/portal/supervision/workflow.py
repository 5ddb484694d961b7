"""Who may take which step of the supervision loop: the table services consult and pages derive
their buttons from. The order of the steps (签收 before 报结 …) is the pure loop's
(:func:`chengqu.supervision.transition`); this table adds the roles."""

from __future__ import annotations

from chengqu.supervision import Action
from portal.accounts.roles import Role

# The 督查室 (and an administrator): verifies, agrees extensions, escalates, publishes.
VERIFIERS = (Role.INSPECTORATE, Role.ADMIN)

# Steps a responsible unit takes on its own items (lead unit or co-responsible unit).
UNIT_ACTIONS = frozenset({Action.ACCEPT, Action.PROGRESS, Action.SUBMIT, Action.REQUEST_EXTENSION})
# Steps the 督查室 takes on any item.
INSPECTOR_ACTIONS = frozenset(
    {
        Action.PASS,
        Action.RETURN,
        Action.APPROVE_EXTENSION,
        Action.REJECT_EXTENSION,
        Action.ESCALATE,
    }
)

# The roles that may take each step; a unit's step also needs the user to be of the item's units.
ACTING_ROLES: dict[Action, tuple[Role, ...]] = {
    **dict.fromkeys(UNIT_ACTIONS, (Role.UNIT,)),
    **dict.fromkeys(INSPECTOR_ACTIONS, VERIFIERS),
}


def needs_unit_member(action: Action) -> bool:
    """Whether ``action`` may be taken only by a member of the item's units."""
    return action in UNIT_ACTIONS
