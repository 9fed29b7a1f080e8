"""``registry fmt``: the one canonical text of a registry, comments preserved.

Canonical means: ``version`` then ``nodes``; nodes sorted by level (benchmark first, as in the
paper's Fig. 2) and then by id, one blank line between nodes; keys in schema order (``id``,
``kind``, then the model's field order); free-form ``params`` sorted by key; block style, two
spaces, long prose folded at 96 columns. Why sorted by (level, id) rather than insertion
order: the place of a new node depends only on its own kind and id, never on when it was
added, so two pull requests that each add a node insert at different places (a conflict needs
two ids adjacent in sort order *and* no node between them) and the file reads top-down like the
hierarchy. Formatting is idempotent (formatting the output again changes nothing) and never
changes meaning: ``load(fmt(text)) == load(text)``. Comments travel with the entry they precede
(or end the line of).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from taxonomy.diagnose import unwrap
from taxonomy.errors import RegistryError
from taxonomy.schema import LEVEL, Registry
from taxonomy.yamltree import (
    Document,
    Map,
    Scalar,
    Seq,
    Slot,
    Tree,
    parse,
    resolve_plain,
    to_python,
)

WIDTH = 96
_FOLDABLE = re.compile(r"\S+( \S+)*")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def format_text(text: str, file: str = "registry.yaml") -> str:
    """Canonical text of a registry; raises ``RegistryError`` if the YAML itself is broken
    (formatting never guesses: a tag, alias or duplicate key must be fixed by hand first)."""
    document, issues = parse(text, file)
    if issues:
        raise RegistryError(issues)
    return format_document(document)


def format_document(document: Document) -> str:
    """Canonical text of an already parsed document (see ``format_text``)."""
    lines: list[str] = []
    if document.root is not None:
        lines = _emit_root(document.root)
    lines += document.trailing
    return "\n".join(lines) + "\n" if lines else ""


def format_file(path: str | Path = "registry.yaml", check: bool = False) -> bool:
    """Format a file in place (or, with ``check``, only compare); returns True if it changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    formatted = format_text(text, str(path))
    changed = formatted != text
    if changed and not check:
        path.write_text(formatted, encoding="utf-8")
    return changed


def _emit_root(root: Tree) -> list[str]:
    if isinstance(root, Map):
        return _emit_map(root, Registry, "", top=True)
    if isinstance(root, Seq):
        return _emit_seq(root, None, "", blank=False)
    return [_scalar_lines(root.value, "")[0]]


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _ordered(node: Map, schema: Any, free: bool) -> list[Slot]:
    if free or get_origin(schema) is dict:
        return sorted(node.slots, key=lambda s: s.key)
    if not _is_model(schema):
        return list(node.slots)
    names = list(schema.model_fields)
    order = [n for n in ("id", "kind") if n in names] + [
        n for n in names if n not in ("id", "kind")
    ]
    rank = {name: i for i, name in enumerate(order)}
    return sorted(node.slots, key=lambda s: rank.get(s.key, len(rank)))


def _child_schema(schema: Any, key: Any, value: Tree) -> Any:
    if _is_model(schema) and key in schema.model_fields:
        return unwrap(schema.model_fields[key].annotation, to_python(value))
    return None


def _comment(eol: str | None) -> str:
    return f"  {eol}" if eol else ""


def _emit_map(
    node: Map, schema: Any, indent: str, top: bool = False, free: bool = False
) -> list[str]:
    lines: list[str] = []
    is_free = free or get_origin(schema) is dict
    for n, slot in enumerate(_ordered(node, schema, free)):
        if top and n > 0:
            lines.append("")
        lines += [indent + c for c in slot.before]
        key = _key(slot.key)
        value = slot.value
        child = None if is_free else _child_schema(schema, slot.key, value)
        if isinstance(value, Scalar):
            first, *rest = _scalar_lines(value.value, indent + "  ")
            lines.append(f"{indent}{key}: {first}{_comment(slot.eol)}")
            lines += rest
        elif not value.slots:
            lines.append(
                f"{indent}{key}: {'{}' if isinstance(value, Map) else '[]'}{_comment(slot.eol)}"
            )
        else:
            lines.append(f"{indent}{key}:{_comment(slot.eol)}")
            if isinstance(value, Map):
                lines += _emit_map(
                    value, child, indent + "  ", free=is_free or get_origin(child) is dict
                )
            else:
                lines += _emit_seq(
                    value, child, indent + "  ", blank=top and slot.key == "nodes", free=is_free
                )
    return lines


def _node_order(slot: Slot) -> tuple:
    value = to_python(slot.value)
    if not isinstance(value, dict):
        return (1, 0, "")
    kind, ident = value.get("kind"), value.get("id")
    level = LEVEL.get(kind, -1) if isinstance(kind, str) else -1
    return (0 if level >= 0 else 1, -level, ident if isinstance(ident, str) else "")


def _emit_seq(node: Seq, schema: Any, indent: str, blank: bool, free: bool = False) -> list[str]:
    lines: list[str] = []
    item_type = get_args(schema)[0] if get_origin(schema) is list else None
    slots = sorted(node.slots, key=_node_order) if blank else node.slots
    for n, slot in enumerate(slots):
        if blank and n > 0:
            lines.append("")
        lines += [indent + c for c in slot.before]
        value = slot.value
        if isinstance(value, Scalar):
            first, *rest = _scalar_lines(value.value, indent + "  ")
            lines.append(f"{indent}- {first}{_comment(slot.eol)}")
            lines += rest
        elif not value.slots:
            lines.append(
                f"{indent}- {'{}' if isinstance(value, Map) else '[]'}{_comment(slot.eol)}"
            )
        elif isinstance(value, Seq):
            lines.append(f"{indent}-{_comment(slot.eol)}")
            lines += _emit_seq(value, None, indent + "  ", blank=False, free=free)
        else:
            child = unwrap(item_type, to_python(value)) if item_type is not None else None
            body = _emit_map(value, child, indent + "  ", free=free)
            first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
            lines += [indent + line.lstrip() for line in body[:first]]
            lines.append(f"{indent}- {body[first].lstrip()}{_comment(slot.eol)}")
            lines += body[first + 1 :]
    return lines


def _key(key: str) -> str:
    return key if _plain_ok(key) else _double_quoted(key)


def _plain_ok(text: str) -> bool:
    """True if ``text`` reads back as the same string when written unquoted."""
    if not text or not text.isprintable() or text != text.strip() or text[0] in _INDICATORS:
        return False
    if ": " in text or " #" in text or text.endswith(":") or text.startswith("..."):
        return False
    try:
        return resolve_plain(text) == text and isinstance(resolve_plain(text), str)
    except ValueError:
        return False


def _double_quoted(text: str) -> str:
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
    return "".join(out) + '"'


def _scalar_lines(value: Any, indent: str) -> list[str]:
    """The scalar as YAML: first line follows 'key: ' or '- ', others are already indented."""
    if value is None:
        return ["null"]
    if value is True or value is False:
        return ["true" if value else "false"]
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, float):
        if value != value:
            return [".nan"]
        if value in (float("inf"), float("-inf")):
            return [".inf" if value > 0 else "-.inf"]
        return [repr(value)]
    text = str(value)
    if len(indent) + len(text) > WIDTH - 8 and text.isprintable() and _FOLDABLE.fullmatch(text):
        return [">-", *_wrap(text, indent)]
    return [text if _plain_ok(text) else _double_quoted(text)]


def _wrap(text: str, indent: str) -> list[str]:
    """Words to lines of at most WIDTH columns (a longer word gets a line of its own)."""
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(indent) + len(current) + 1 + len(word) > WIDTH:
            lines.append(indent + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(indent + current)
    return lines
