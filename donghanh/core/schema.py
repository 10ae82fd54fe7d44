"""The OpenAPI schema says what every operation may answer besides its success: errors are part of the contract.

`error_responses` (a drf-spectacular postprocessing hook) adds to every operation the answers the API gives for
bad input and refusals, each with the `Error` body DRF writes: `{"detail": "…"}`, or `{"field": ["…"]}` for a
body or a query parameter that is wrong.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "description": "`detail`: what went wrong; or, for bad input, each field or parameter with its messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ANSWERS = {
    "400": "Bad input: the fields or parameters named, with what is wrong with each.",
    "401": "No credentials, or credentials not valid.",
    "403": "The user may not do this here.",
    "404": "Nothing with this id in the user's scope, or a page link that is not valid.",
    "429": "Too many requests: try again after `Retry-After` seconds.",
}


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ANSWERS.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result
