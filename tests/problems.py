"""Checks of the API's problems (decisions/problems.py): RFC 9457's members,
its media type, and the parameters a 400 names."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

PROBLEM_JSON = "application/problem+json"
MEMBERS = {"type", "title", "status", "detail", "instance"}


def problem_of(response: HttpResponse, status: int) -> dict[str, Any]:
    """The problem a response is, or an AssertionError saying why it is not."""
    context = (response.status_code, response.content[:300])
    assert response.status_code == status, context
    assert response["Content-Type"] == PROBLEM_JSON, context
    body = response.json()
    assert MEMBERS <= set(body), context
    assert body["status"] == status, context
    assert body["detail"] and body["title"], context
    return body


def named(body: dict[str, Any]) -> set[str]:
    """The parameters a problem names in its `errors`."""
    return {error["parameter"] for error in body.get("errors", [])}
