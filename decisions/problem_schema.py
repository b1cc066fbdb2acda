"""The problems in the OpenAPI description: drf-spectacular's postprocessing
hooks (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]).

`describe_problems` gives every operation the problems any request may meet
(a bad parameter, an unknown address, a method or format the API does not
serve, the rate limit, a fault, an outage), each as a ProblemDetails
(decisions.problems writes them); a view declares a problem of its own with
extend_schema (ParagrafDetail's 410, a WithdrawnProblem).

`nullable_references` makes a nullable nested object one that strict
validators accept.
"""

from __future__ import annotations

import copy
from typing import Any

from .problems import PROBLEM_JSON

COMPONENTS = "#/components/schemas/"

PROBLEM_DETAILS = {
    "type": "object",
    "description": (
        "Ett fel som data (RFC 9457, application/problem+json), på svenska."
    ),
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "description": "Felets slag: adressen som beskriver det, eller "
            "about:blank när statuskoden säger allt",
        },
        "title": {"type": "string", "description": "Felets slag i ord"},
        "status": {"type": "integer", "description": "Svarets statuskod"},
        "detail": {"type": "string", "description": "Vad som gick fel just nu"},
        "instance": {
            "type": "string",
            "format": "uri-reference",
            "description": "Adressen som efterfrågades",
        },
        "errors": {
            "type": "array",
            "items": {"$ref": COMPONENTS + "InvalidParameter"},
            "description": "Parametrarna som inte kunde läsas, var och en med "
            "vad som är fel (en ogiltig parameter, ett okänt format)",
        },
    },
    "required": ["type", "title", "status", "detail", "instance"],
}

INVALID_PARAMETER = {
    "type": "object",
    "properties": {
        "parameter": {"type": "string", "description": "Parameterns namn"},
        "messages": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["parameter", "messages"],
}

WITHDRAWN_PROBLEM = {
    "description": "En återkallad paragraf: när och varför, inget av innehållet.",
    "allOf": [
        {"$ref": COMPONENTS + "ProblemDetails"},
        {
            "type": "object",
            "properties": {
                "id": {
                    "type": "string",
                    "format": "uri",
                    "description": "Paragrafens fasta adress",
                },
                "number": {"type": "string"},
                "withdrawn_at": {
                    "type": "string",
                    "format": "date-time",
                    "description": "När paragrafen återkallades",
                },
                "withdrawal_reason": {
                    "type": "string",
                    "description": "Varför den återkallades",
                },
            },
            "required": ["id", "number", "withdrawn_at", "withdrawal_reason"],
        },
    ],
}

WITHDRAWN = {"$ref": COMPONENTS + "WithdrawnProblem"}

_RETRY_AFTER = {
    "Retry-After": {
        "description": "Sekunder tills det går att fråga igen",
        "schema": {"type": "integer"},
    }
}

# The problems any operation may answer, with what each means there.
COMMON: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("Ogiltig parameter: errors namnger var och en och vad som är fel.", {}),
    404: ("Inget finns på adressen.", {}),
    405: (
        "Metoden tas inte emot (API:t läser bara); Allow säger vilka som gör det.",
        {"Allow": {"schema": {"type": "string"}}},
    ),
    406: (
        "Formatet finns inte: Accept eller format= ber om något annat än "
        "JSON (format=json) eller webbsidan (format=api).",
        {},
    ),
    429: ("För många förfrågningar från samma adress.", _RETRY_AFTER),
    500: ("Serverfel.", {}),
    503: ("Databasen svarar inte just nu.", _RETRY_AFTER),
}


def problem_response(description: str, headers: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": COMPONENTS + "ProblemDetails"}}},
    }
    if headers:
        response["headers"] = headers
    return response


def describe_problems(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add the problem components, and the common problems to every
    operation's responses (a response an operation declares itself stays)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ProblemDetails"] = PROBLEM_DETAILS
    schemas["InvalidParameter"] = INVALID_PARAMETER
    schemas["WithdrawnProblem"] = WITHDRAWN_PROBLEM
    for operations in result["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            for status, (description, headers) in COMMON.items():
                common = problem_response(description, headers)
                responses.setdefault(str(status), common)
            operation["responses"] = dict(sorted(responses.items()))
    return result


def nullable_references(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Write a nullable nested object out in place of its reference.

    drf-spectacular writes a nested serializer with allow_null as
    {"allOf": [{"$ref": …}], "nullable": true}. OpenAPI 3.0's nullable adds
    null only to a `type` in the same schema object, and a $ref beside it is
    not one: strict validators (openapi-schema-validator) refuse the null
    the API sends (a paragraph of no case). The object written out, with
    its type, takes null; a component no longer referenced goes."""
    schemas = result.get("components", {}).get("schemas", {})
    inlined: set[str] = set()

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        refs = node.get("allOf", [])
        if node.get("nullable") and len(refs) == 1 and "$ref" in refs[0]:
            name = refs[0]["$ref"].removeprefix(COMPONENTS)
            inlined.add(name)
            written = copy.deepcopy(schemas[name])
            rest = {k: v for k, v in node.items() if k not in ("allOf", "nullable")}
            return walk({**written, **rest, "nullable": True})
        return {key: walk(value) for key, value in node.items()}

    result = walk(result)
    schemas = result.get("components", {}).get("schemas", {})
    for name in inlined - _references(result):
        del schemas[name]
    return result


def _references(node: Any) -> set[str]:
    """The components node refers to."""
    if isinstance(node, list):
        return {name for item in node for name in _references(item)}
    if not isinstance(node, dict):
        return set()
    found = {name for value in node.values() for name in _references(value)}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(COMPONENTS):
        found.add(ref.removeprefix(COMPONENTS))
    return found
