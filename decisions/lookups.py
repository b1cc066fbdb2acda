"""Lookups the ORM lacks; importing this module registers them
(DecisionsConfig.ready)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Ids(str):
    """Ids as one PostgreSQL array literal ("{3,1,2}"), for `pk__any`.

    A list is resolved by the ORM and adapted by psycopg one id at a time:
    for the 1,000 ranked ids and the walk's meetings, ≈3 ms of a search's
    CPU. This is one join.
    """

    def __new__(cls, ids: Iterable[int]) -> Ids:
        return super().__new__(cls, "{" + ",".join(map(str, map(int, ids))) + "}")


@models.BigAutoField.register_lookup
class AnyOf(models.Lookup):
    """`pk__any=Ids(...)`: one array parameter ("id = ANY(%s)") for a long id
    list (a list of ids works too, slower).

    Search narrows queries to the ids of up to 10,000 matches
    (decisions.search.walk); as an IN list each id is a parameter of its own,
    which costs more to build and plan than the query costs to run.
    """

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s::bigint[]", [value if isinstance(value, Ids) else Ids(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
