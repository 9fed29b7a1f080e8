"""Turn pydantic validation errors into registry ``Issue``s that point at file:line:column.

Pydantic reports a location path (``('nodes', 3, 'behavior', 'probe', 'inputs', 'n')``) and an
error type. We strip the discriminator tag (``'behavior'``), look the path up in the parsed
file's position map, and rephrase the error as *what is wrong* plus *how to fix it*, with
"did you mean" suggestions for unknown fields, kinds and literal values.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from taxonomy.errors import Issue, did_you_mean
from taxonomy.schema import ID_PATTERN, KINDS, Registry
from taxonomy.yamltree import Path

_TYPE_WORDS = {
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "list_type": "a list ('- item' lines or [a, b])",
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "finite_number": "a finite number",
}


def unwrap(annotation: Any, value: Any) -> Any:
    """The model class (or list/dict type) an annotation means for this value."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap(get_args(annotation)[0], value)
    if origin is typing.Union or origin is types.UnionType:
        options = [a for a in get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            return unwrap(options[0], value)
        kind = value.get("kind") if isinstance(value, dict) else None
        for option in options:
            field = getattr(option, "model_fields", {}).get("kind")
            if field is not None and kind in get_args(field.annotation):
                return option
        return None
    return annotation


def model_at(path: Path, data: Any, root: type[BaseModel] = Registry) -> Any:
    """The schema type at ``path`` of ``data``: a model class, ``list``, ``dict`` or None."""
    current: Any = root
    value = data
    for step in path:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(step) if isinstance(step, str) else None
            if field is None or not isinstance(value, dict):
                return None
            value = value.get(step)
            current = unwrap(field.annotation, value)
        elif get_origin(current) is list and isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return None
            value = value[step]
            current = unwrap(get_args(current)[0], value)
        else:
            return None
    return current


def field_order(path: Path, data: Any) -> list[str] | None:
    """Canonical key order of the mapping at ``path``: 'id', 'kind', then schema order."""
    model = model_at(path, data)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    names = list(model.model_fields)
    head = [n for n in ("id", "kind") if n in names]
    return head + [n for n in names if n not in head]


def _strip_tags(loc: tuple[Any, ...], data: Any) -> Path:
    """Drop discriminator tags that pydantic inserts into union locations."""
    path: list[Any] = []
    value = data
    for step in loc:
        if isinstance(value, dict) and step not in value and step == value.get("kind"):
            continue
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            value = None
        path.append(step)
    return tuple(path)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(err: dict[str, Any], path: Path, data: Any) -> tuple[str, str, str, str | None]:
    """(code, message, fix, field to point at) for one pydantic error."""
    kind, ctx, given = err["type"], err.get("ctx") or {}, err.get("input")
    name = str(path[-1]) if path and isinstance(path[-1], str) else "value"
    if kind == "extra_forbidden":
        model = model_at(path[:-1], data)
        allowed = list(getattr(model, "model_fields", {}))
        hint = did_you_mean(name, allowed)
        fix = f"{hint} " if hint else ""
        return (
            "unknown-field",
            f"unknown field '{name}'",
            fix + f"allowed: {', '.join(allowed)}",
            None,
        )
    if kind == "missing":
        model = model_at(path[:-1], data)
        field = getattr(model, "model_fields", {}).get(name)
        about = f" ({field.description})" if field is not None and field.description else ""
        return (
            "missing-field",
            f"missing required field '{name}'",
            f"add '{name}: ...'{about}",
            None,
        )
    if kind == "union_tag_invalid":
        hint = did_you_mean(str(ctx.get("tag")), KINDS)
        return (
            "unknown-kind",
            f"unknown kind {_show(ctx.get('tag'))}",
            (f"{hint} " if hint else "") + f"use one of: {', '.join(reversed(KINDS))}",
            "kind",
        )
    if kind == "union_tag_not_found":
        return (
            "missing-field",
            "missing required field 'kind'",
            f"add 'kind: ...', one of: {', '.join(reversed(KINDS))}",
            None,
        )
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(str(given), options)
        return (
            "bad-value",
            f"'{name}' is {_show(given)}, not one of: {', '.join(options)}",
            hint or f"use one of: {', '.join(options)}",
            None,
        )
    if kind == "string_type" and name in ("version", "since"):
        return (
            "bad-version",
            f"'{name}' is the number {_show(given)}, not a version string",
            f'quote it: {name}: "{given}" (unquoted, 0.10 would read as 0.1)',
            None,
        )
    if kind in _TYPE_WORDS:
        return (
            "wrong-type",
            f"'{name}' should be {_TYPE_WORDS[kind]}, got {_show(given)}",
            f"write {_TYPE_WORDS[kind]} here",
            None,
        )
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == ID_PATTERN:
            slug = re.sub(r"[^a-z0-9]+", "-", str(given).lower()).strip("-")
            return (
                "bad-id",
                f"{_show(given)} is not a kebab-case id",
                f"use lowercase words joined by '-', e.g. '{slug or 'copying-heads'}'",
                None,
            )
        if name in ("version", "since"):
            return (
                "bad-version",
                f"'{name}' is {_show(given)}, not a version like '0.1'",
                'write the version in quotes, e.g. "0.1"',
                None,
            )
        return (
            "bad-name",
            f"'{name}' is {_show(given)}, not a registered-name shape",
            "use lowercase letters, digits and '_', e.g. 'repeated_tokens'",
            None,
        )
    if "fix" in ctx:  # our own rules (taxonomy.schema._rule)
        return kind, err["msg"], str(ctx["fix"]), ctx.get("field")
    message = err["msg"][0].lower() + err["msg"][1:]
    if message.startswith("value error, "):
        message = message[len("value error, ") :]
    what, _, fix = message.partition("; ")
    return "bad-value", f"'{name}': {what} (got {_show(given)})", fix or "change this value", None


def issues_from_validation(
    error: ValidationError,
    data: Any,
    values: dict[Path, tuple[int, int]],
    keys: dict[Path, tuple[int, int]],
    file: str,
    prefix: Path = (),
) -> list[Issue]:
    """Every error of ``error`` as an Issue at the best-known position in ``file``."""
    issues = []
    for err in error.errors():
        path = prefix + _strip_tags(err["loc"], _get(data, prefix))
        code, message, fix, field = _describe(err, path, data)
        where = path + (field,) if field else path
        if code == "unknown-field" and where in keys:
            position = keys[where]
        else:
            while where and where not in values:
                where = where[:-1]
            position = values.get(where, (None, None))
            if field and path + (field,) in keys:
                position = keys[path + (field,)]
        issues.append(Issue(file, *position, node_id(data, path), code, message, fix))
    return issues


def _get(data: Any, path: Path) -> Any:
    for step in path:
        data = data[step]
    return data


def node_id(data: Any, path: Path) -> str | None:
    """The id of the node that ``path`` points into, if it has a string id."""
    if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
        nodes = data.get("nodes") if isinstance(data, dict) else None
        if isinstance(nodes, list) and path[1] < len(nodes) and isinstance(nodes[path[1]], dict):
            ident = nodes[path[1]].get("id")
            return ident if isinstance(ident, str) else None
    return None
