"""The OpenAPI document as a reader-friendly reference: operations grouped by tag, with their
parameters, request body fields and responses resolved from `$ref`s."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Field:
    name: str
    where: str  # "path", "query" or "body"
    type: str
    required: bool
    description: str = ""
    constraints: str = ""


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    schema: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Field]
    body: list[Field]
    responses: list[Response]


@dataclass
class Section:
    tag: str
    description: str
    operations: list[Operation] = field(default_factory=list)


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        section, _, name = node["$ref"].removeprefix("#/components/").partition("/")
        node = spec.get("components", {}).get(section, {}).get(name, {})
    return node


def _type_name(spec: dict, schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {_type_name(spec, schema.get('items', {}))}"
    kind = schema.get("type", "object")
    if schema.get("format"):
        kind += f" ({schema['format']})"
    if schema.get("nullable"):
        kind += " or null"
    return kind


def _constraints(schema: dict) -> str:
    parts = []
    if "enum" in schema:
        parts.append("one of " + ", ".join(repr(v) if v == "" else str(v)
                                           for v in schema["enum"]))
    for key, word in (("minimum", "min"), ("maximum", "max"), ("minLength", "min length"),
                      ("maxLength", "max length")):
        if key in schema:
            parts.append(f"{word} {schema[key]}")
    if "default" in schema:
        parts.append(f"default {schema['default']!r}")
    return "; ".join(parts)


def _parameter(spec: dict, raw: dict) -> Field:
    raw = _resolve(spec, raw)
    schema = raw.get("schema", {})
    return Field(name=raw["name"], where=raw.get("in", ""), type=_type_name(spec, schema),
                 required=bool(raw.get("required")), description=raw.get("description", ""),
                 constraints=_constraints(schema))


def _body_fields(spec: dict, operation: dict) -> list[Field]:
    body = _resolve(spec, operation.get("requestBody", {}))
    schema = _resolve(spec, body.get("content", {}).get("application/json", {})
                      .get("schema", {}))
    required = set(schema.get("required", []))
    return [Field(name=name, where="body", type=_type_name(spec, prop),
                  required=name in required, description=prop.get("description", ""),
                  constraints=_constraints(prop))
            for name, prop in schema.get("properties", {}).items()]


def _responses(spec: dict, operation: dict) -> list[Response]:
    found = []
    for status, raw in operation.get("responses", {}).items():
        if status == "default":
            continue
        schema = raw.get("content", {}).get("application/json", {}).get("schema")
        if schema is None and "$ref" in raw:
            resolved = _resolve(spec, raw)
            schema = resolved.get("content", {}).get("application/json", {}).get("schema")
            raw = resolved
        found.append(Response(status=status, description=raw.get("description", ""),
                              schema=_type_name(spec, schema) if schema else ""))
    return sorted(found, key=lambda r: r.status)


def sections(spec: dict) -> list[Section]:
    """Every operation of the document under its first tag, tags in the document's order."""
    by_tag = {tag["name"]: Section(tag["name"], tag.get("description", ""))
              for tag in spec.get("tags", [])}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            tag = (operation.get("tags") or ["other"])[0]
            section = by_tag.setdefault(tag, Section(tag, ""))
            parameters = [_parameter(spec, p) for p in [*shared, *operation.get("parameters",
                                                                                  [])]]
            section.operations.append(Operation(
                method=method.upper(), path=path, summary=operation.get("summary", ""),
                description=operation.get("description", ""),
                anchor=f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                parameters=parameters, body=_body_fields(spec, operation),
                responses=_responses(spec, operation)))
    return [section for section in by_tag.values() if section.operations]


def error_codes(spec: dict) -> dict[str, Any]:
    """The ApiError schema's description of the error codes, for the page's error section."""
    body = spec.get("components", {}).get("schemas", {}).get("ApiErrorBody", {})
    return body.get("properties", {}).get("code", {})
