"""The emergency command system: HQs and positions, routing, reporting clocks, levels and duties."""

from chengqu.command.clocks import (
    Anchor,
    Deadline,
    missing_content,
    report_deadlines,
    required_content,
)
from chengqu.command.duties import Due, next_due
from chengqu.command.levels import (
    Part,
    WaterResponse,
    classify_water,
    declare_animal_response,
    earliest_animal_end,
    hq_part,
    water_termination,
)
from chengqu.command.roster import Headquarters, Person, Position, Role, Roster, Seat, load_roster
from chengqu.command.routing import Route, Routing, Status, route_incident

__all__ = [
    "Anchor",
    "Deadline",
    "Due",
    "Headquarters",
    "Part",
    "Person",
    "Position",
    "Role",
    "Roster",
    "Route",
    "Routing",
    "Seat",
    "Status",
    "WaterResponse",
    "classify_water",
    "declare_animal_response",
    "earliest_animal_end",
    "hq_part",
    "load_roster",
    "missing_content",
    "next_due",
    "report_deadlines",
    "required_content",
    "route_incident",
    "water_termination",
]
