"""The OpenAPI schema says what every operation may answer besides its success: errors are part of the contract.

`error_responses` (a drf-spectacular postprocessing hook) adds to every operation the answers the API gives for
bad input and refusals, each with the `Error` body DRF writes: `{"detail": "…"}`, or `{"field": ["…"]}` for a
body or a query parameter that is wrong.

An update of a versioned record (one whose operation takes an `If-Match` header, `core.versions`) also documents
`version` in its body, 412 (the record as it is now, in the body of a success) and 428 (no version named).
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
# A write whose body is sent as a media type the API does not read (JSON, a form, multipart).
UNSUPPORTED = {"415": "The body's media type is not one the API reads: send application/json."}


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            answers = ANSWERS | UNSUPPORTED if method in {"post", "put", "patch"} else ANSWERS
            for status, description in answers.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method in {"put", "patch"} and any(
                p.get("in") == "header" and p.get("name") == "If-Match" for p in operation.get("parameters", [])
            ):
                _versioned_update(result, operation, reference)
    return result


VERSION_PROPERTY = {
    "type": "integer",
    "minimum": 1,
    "writeOnly": True,
    "description": "The version of the record that was read (its ETag); instead of If-Match.",
}


def _versioned_update(result: dict[str, Any], operation: dict[str, Any], reference: dict[str, str]) -> None:
    responses = operation["responses"]
    success = responses.get("200", {}).get("content", {"application/json": {"schema": reference}})
    responses["412"] = {
        "description": "The record changed since the version named was read: nothing was written; "
        "the body is the record as it is now, and `ETag` its version.",
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": success,
    }
    responses["428"] = {
        "description": "No version named: send If-Match with the ETag a read returned, or `version` in the body.",
        "content": {"application/json": {"schema": reference}},
    }
    schemas = result["components"]["schemas"]
    for content in operation.get("requestBody", {}).get("content", {}).values():
        name = content.get("schema", {}).get("$ref", "").rpartition("/")[2]
        if name in schemas:
            schemas[name].setdefault("properties", {})["version"] = VERSION_PROPERTY
