"""Health checks for a load balancer or an orchestrator: /healthz says the
process answers, /readyz that it can serve (database reachable, schema up to
date). Neither is cached, logged in or redirected to HTTPS."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

# Once the schema is seen up to date it stays so for the process's life: a
# new migration comes with a new release, and so a new process.
_migrated = False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": "ok", "migrations": "ok"}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
        checks["migrations"] = "unknown"
    else:
        pending = _pending_migrations()
        if pending:
            checks["migrations"] = f"{len(pending)} not applied: {pending[0]}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks},
        status=200 if ready else 503,
    )


def _pending_migrations() -> list[str]:
    global _migrated
    if _migrated:
        return []
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    targets = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    _migrated = not plan
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
