"""What the API's routers share to state their input truthfully in the published schema.

- :class:`ErrorOut`, the body of every error answer (``{code, message, field}``);
- :class:`OneOf`, a text that must be one of a list (a model's choices), published as an ``enum``;
- :func:`listed`, the same list published where the view itself refuses other values with its own
  400 and Chinese message (kept where clients already rely on that answer);
- :func:`max_len`, a text's bound taken from the model field it is stored in;
- :data:`Id`, :data:`Offset`, :data:`Year`: whole numbers in the range the database and the
  rules can take (a number beyond a 64-bit integer would otherwise reach SQLite and fail there);
- :data:`Day`, :data:`Moment`: a date written ``YYYY-MM-DD``, a date and time in ISO 8601, as the
  schema's ``format`` says (pydantic alone would also read ``12345`` as seconds since 1970).

The error answers themselves are added to each operation in one place, ``portal.config.api``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import Model
from ninja import Schema
from pydantic import BeforeValidator, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

BIGGEST_ID = 2**63 - 1  # a 64-bit primary key, the widest SQLite and PostgreSQL hold

Id = Annotated[int, Field(ge=1, le=BIGGEST_ID)]
Offset = Annotated[int, Field(ge=0, le=2**62)]  # so that offset + limit stays a 64-bit integer
Year = Annotated[int, Field(ge=1900, le=2100)]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("日期应写作 YYYY-MM-DD")  # pydantic answers it as invalid input (422)


def _iso_moment(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DAY.match(value)):
        return value
    raise ValueError("时间应写作 ISO 8601, 如 2024-07-15T09:30:00+08:00")


Day = Annotated[date, BeforeValidator(_iso_day)]
Moment = Annotated[datetime, BeforeValidator(_iso_moment)]


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None


@dataclass(frozen=True)
class OneOf:
    """``Annotated[str, OneOf(values)]``: one of ``values``, published as ``enum``, else 422."""

    values: tuple[str, ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.literal_schema(list(self.values))


def listed(values: tuple[str, ...]) -> Any:
    """``Annotated[str, listed(values)]``: published as ``enum``; the view answers 400 for others."""
    return Field(json_schema_extra={"enum": list(values)})


def max_len(model: type[Model], field: str) -> int:
    """The ``max_length`` of a model's text field, so that the API refuses what the table cannot hold."""
    length = model._meta.get_field(field).max_length  # type: ignore[union-attr]
    assert isinstance(length, int), f"{model.__name__}.{field} has no max_length"
    return length
