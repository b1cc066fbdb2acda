"""Lookups the ORM lacks; importing this module registers them
(DecisionsConfig.ready)."""

from __future__ import annotations

from django.db import models


@models.BigAutoField.register_lookup
class AnyOf(models.Lookup):
    """`pk__any=[...]`: one array parameter ("id = ANY(%s)") for a long id list.

    Search narrows queries to the ids of up to 10,000 matches
    (decisions.search.walk); as an IN list each id is a parameter of its own,
    which costs more to build and plan than the query costs to run.
    """

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
