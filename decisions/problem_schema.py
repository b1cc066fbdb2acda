"""The problems in the OpenAPI description: drf-spectacular's postprocessing
hooks (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]).

`describe_problems` gives every operation the problems any request may meet
(a bad parameter, an unknown address, a method or format the API does not
serve, the rate limit, a fault, an outage), each as a ProblemDetails
(decisions.problems writes them); a view declares a problem of its own with
extend_schema (ParagrafDetail's 410, a WithdrawnProblem).
"""

from __future__ import annotations

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
