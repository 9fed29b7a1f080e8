"""The contribute page: how to add a node, the registry schema reference (from the JSON Schema
of ``taxonomy.schema.Registry``) and the feature-library reference (from each registered
feature's docstring and params model)."""

from __future__ import annotations

import json
import re
from typing import Any

from taxonomy.schema import Registry
from taxonomy.site.escape import front_matter_title, html_text, md_inline

HOW_TO = """\
Every node lives in `registry.yaml`. To contribute one:

1. Add the node to `registry.yaml`: `id`, `kind`, `name`, `summary`, `references`, `parents`,
   `status`, `since` and, once you can measure it, a `probe` naming features from the library
   below. A node without a probe is a *hypothesis*: valid, shown as an open question.
2. Run `registry validate` (every problem is reported with file, line, node and a fix) and
   `registry fmt` (canonical order, so parallel pull requests merge cleanly).
3. Open a pull request. CI validates and formats the file, runs the tests and uploads a
   preview of this site as an artifact.
"""


def _type(schema: dict[str, Any]) -> str:
    """A short type string for a JSON Schema property."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return " \\| ".join(json.dumps(v) for v in schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(_type(s) for s in schema[key])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"map to {_type(schema['additionalProperties'])}"
    return str(kind)


def _constraints(schema: dict[str, Any]) -> str:
    names = (
        "pattern",
        "minimum",
        "exclusiveMinimum",
        "maximum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
    )
    found = [f"{k}: `{schema[k]}`" for k in names if k in schema]
    return ", ".join(found)


def properties_table(schema: dict[str, Any]) -> str:
    """A markdown table of an object schema's fields: name, type, required, default, notes."""
    props = schema.get("properties", {})
    if not props:
        return "No parameters.\n"
    required = set(schema.get("required", []))
    rows = ["| field | type | required | default | description |", "|---|---|---|---|---|"]
    for name, prop in props.items():
        default = "" if "default" not in prop else f"`{json.dumps(prop['default'])}`"
        notes = " ".join(filter(None, [md_inline(prop.get("description", "")), _constraints(prop)]))
        rows.append(
            f"| `{name}` | {_type(prop)} | {'yes' if name in required else 'no'} | "
            f"{default.replace('|', chr(92) + '|')} | {notes} |"
        )
    return "\n".join(rows) + "\n"


def schema_reference() -> str:
    """Markdown for every model in the registry's JSON Schema, the root first."""
    schema = Registry.model_json_schema()
    defs = schema.get("$defs", {})
    parts = ["## Registry schema\n\n", "Generated from the JSON Schema of the registry file.\n\n"]
    for name, sub in [("Registry", schema), *sorted(defs.items())]:
        if sub.get("type") != "object":
            continue
        parts.append(f"### {name}\n\n")
        if sub.get("description"):
            parts.append(md_inline(sub["description"]) + "\n\n")
        parts.append(properties_table(sub) + "\n")
    return "".join(parts)


_CODE = re.compile(r"`([^`]+)`")


def doc_text(doc: str) -> str:
    """A docstring as markdown: paragraphs escaped, ``code spans`` kept as code."""
    out = []
    for para in re.split(r"\n\s*\n", doc.strip()):
        pieces, last = [], 0
        for m in _CODE.finditer(para):
            pieces.append(md_inline(para[last : m.start()]))
            pieces.append(f"<code>{html_text(m.group(1))}</code>")
            last = m.end()
        pieces.append(md_inline(para[last:]))
        out.append(" ".join(p for p in pieces if p))
    return "\n\n".join(out)


def feature_reference() -> str:
    """Markdown for every registered feature, by category, with its params table."""
    from taxonomy.features import catalog

    parts = [
        "## Feature library\n\n",
        "Probes name these features; each one's parameters are validated against the table.\n\n",
    ]
    for category, specs in catalog().items():
        if not specs:
            continue
        parts.append(f"### {category.capitalize()}s\n\n")
        for name, spec in specs.items():
            heavy = "" if getattr(spec, "light", True) else " (needs a heavy dependency)"
            parts.append(f"#### `{name}`{heavy}\n\n{doc_text(spec.doc)}\n\n")
            parts.append(properties_table(spec.params_model.model_json_schema()) + "\n")
    return "".join(parts)


def contribute_page() -> str:
    """Markdown of ``contribute.md``."""
    return "".join(
        [
            front_matter_title("Contribute"),
            "# Contribute\n\n",
            HOW_TO,
            "\n",
            schema_reference(),
            "\n",
            feature_reference(),
        ]
    )
