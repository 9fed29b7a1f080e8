"""Safe YAML for the registry: a position- and comment-carrying tree built from parser events.

Nothing is ever *constructed* by a YAML library: we read ruamel.yaml's event stream and build
plain data ourselves, so no tag can run code. Every explicit tag (``!!python/object``, ``!foo``)
is an ``unsafe-tag`` error, anchors and aliases are refused (they enable "billion laughs"
expansion), duplicate keys and non-string keys are errors. Plain scalars are typed by the
YAML 1.2 core schema (null, bool, int, float, else str). The tree keeps the 1-based
line/column of every key and value and the comments around them, so the loader can point at
the exact spot of an error and ``registry fmt`` can reorder without losing comments.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from taxonomy.errors import Issue

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 32

_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE = re.compile(r"true|True|TRUE")
_FALSE = re.compile(r"false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")

Path = tuple[str | int, ...]
_BAD_KEY = object()


@dataclass
class Scalar:
    value: Any
    line: int
    column: int


@dataclass
class Slot:
    """A mapping entry (``key`` set) or a sequence item, with the comments that belong to it."""

    key: Any
    value: Map | Seq | Scalar
    line: int
    column: int
    before: list[str] = field(default_factory=list)
    eol: str | None = None


@dataclass
class Map:
    slots: list[Slot]
    line: int
    column: int


@dataclass
class Seq:
    slots: list[Slot]
    line: int
    column: int


Tree = Map | Seq | Scalar


@dataclass
class Document:
    """A parsed file: its root, comments after the last entry, and positions by data path."""

    root: Tree | None
    trailing: list[str] = field(default_factory=list)

    def data(self) -> Any:
        return None if self.root is None else to_python(self.root)

    def positions(self) -> tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int]]]:
        """(value positions, key positions) by path, e.g. ``("nodes", 0, "probe")``."""
        values: dict[Path, tuple[int, int]] = {}
        keys: dict[Path, tuple[int, int]] = {}
        if self.root is not None:
            _walk_positions(self.root, (), values, keys)
        return values, keys


def to_python(node: Tree) -> Any:
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Seq):
        return [to_python(s.value) for s in node.slots]
    return {s.key: to_python(s.value) for s in node.slots}


def _walk_positions(node: Tree, path: Path, values: dict, keys: dict) -> None:
    values[path] = (node.line, node.column)
    if isinstance(node, Scalar):
        return
    for index, slot in enumerate(node.slots):
        sub = path + ((slot.key,) if isinstance(node, Map) else (index,))
        if isinstance(node, Map):
            keys[sub] = (slot.line, slot.column)
        _walk_positions(slot.value, sub, values, keys)


def resolve_plain(text: str) -> Any:
    """Type of an unquoted scalar under the YAML 1.2 core schema; raises ValueError if huge."""
    if _NULL.fullmatch(text):
        return None
    if _TRUE.fullmatch(text):
        return True
    if _FALSE.fullmatch(text):
        return False
    if _INT.fullmatch(text):
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.fullmatch(text):
        return math.nan
    return text


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.issues: list[Issue] = []
        self.spans: list[tuple[int, int, int, int]] = []  # scalar extents, 0-based
        self.slots: list[Slot] = []  # every slot, in document order

    def issue(self, mark: Any, code: str, message: str, fix: str) -> None:
        self.issues.append(
            Issue(self.file, mark.line + 1, mark.column + 1, None, code, message, fix)
        )

    def check_event(self, event: Any) -> None:
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.issue(
                event.start_mark,
                "unsafe-tag",
                f"YAML tag '{shown}' is not allowed: the registry is plain data, never code",
                "remove the tag and write a plain string, number, list or mapping",
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            sign = "*" if isinstance(event, ev.AliasEvent) else "&"
            self.issue(
                event.start_mark,
                "yaml-alias",
                f"YAML anchors and aliases ('{sign}{anchor}') are not allowed",
                "write the value out in full where it is used",
            )

    def build(self, events: Any) -> Tree | None:
        """Build the single document's tree; container events are matched with a stack."""
        stack: list[tuple[Map | Seq, list[Any]]] = []  # container, pending key (for maps)
        root: Tree | None = None
        documents = 0
        for event in events:
            if isinstance(event, ev.DocumentStartEvent):
                documents += 1
                if documents == 2:
                    self.issue(
                        event.start_mark,
                        "yaml-syntax",
                        "the file holds more than one YAML document ('---')",
                        "keep a single document: one 'version' and one 'nodes' list",
                    )
                continue
            if isinstance(event, ev.ScalarEvent | ev.MappingStartEvent | ev.SequenceStartEvent):
                self.check_event(event)
                mark = event.start_mark
                if isinstance(event, ev.ScalarEvent):
                    node: Tree = Scalar(self.scalar(event), mark.line + 1, mark.column + 1)
                    start = event.start_mark
                    if event.style in ("|", ">"):  # comments may follow the header line
                        start = _Mark(start.line + 1, 0)
                    self.spans.append(
                        (start.line, start.column, event.end_mark.line, event.end_mark.column)
                    )
                elif isinstance(event, ev.MappingStartEvent):
                    node = Map([], mark.line + 1, mark.column + 1)
                else:
                    node = Seq([], mark.line + 1, mark.column + 1)
                if len(stack) >= MAX_DEPTH:
                    self.issue(
                        mark,
                        "too-deep",
                        f"nesting deeper than {MAX_DEPTH} levels",
                        "flatten the structure",
                    )
                    return None
                if stack and documents == 1:
                    self.attach(stack[-1], node, mark)
                elif not stack and documents == 1:
                    root = node
                if isinstance(node, Map | Seq):
                    stack.append((node, []))
            elif isinstance(event, ev.MappingEndEvent | ev.SequenceEndEvent):
                stack.pop()
            elif isinstance(event, ev.AliasEvent):
                self.check_event(event)
                if stack:
                    mark = event.start_mark
                    self.attach(stack[-1], Scalar(None, mark.line + 1, mark.column + 1), mark)
        return root

    def attach(self, top: tuple[Map | Seq, list[Any]], node: Tree, mark: Any) -> None:
        container, pending = top
        if isinstance(container, Seq):
            slot = Slot(None, node, node.line, node.column)
            container.slots.append(slot)
            self.slots.append(slot)
            return
        if not pending:  # this node is a key
            key: Any = node.value if isinstance(node, Scalar) else None
            if not isinstance(key, str):
                self.issue(
                    mark,
                    "bad-key",
                    "mapping keys must be plain strings",
                    "write the key as a word, e.g. 'name:'",
                )
                key = _BAD_KEY  # the entry is dropped
            elif any(s.key == key for s in container.slots):
                self.issue(
                    mark,
                    "duplicate-key",
                    f"key '{key}' appears twice in this mapping",
                    "keep one of them",
                )
            pending.append(Slot(key, node, node.line, node.column))
            return
        slot = pending.pop()
        slot.value = node
        if slot.key is not _BAD_KEY and not any(s.key == slot.key for s in container.slots):
            container.slots.append(slot)
            self.slots.append(slot)

    def scalar(self, event: Any) -> Any:
        if event.style is not None or event.tag is not None:
            return event.value
        try:
            return resolve_plain(event.value)
        except ValueError:
            self.issue(
                event.start_mark,
                "bad-value",
                f"number '{event.value[:20]}...' is too large",
                "use a smaller number",
            )
            return None


@dataclass
class _Mark:
    line: int
    column: int


def too_large(file: str, size: int) -> Issue:
    return Issue(
        file,
        None,
        None,
        None,
        "file-too-large",
        f"the file is {size:,} bytes, more than the {MAX_BYTES:,} allowed",
        "remove bulk data: a registry is a small text file; data goes in data files",
    )


def parse(text: str | bytes, file: str = "registry.yaml") -> tuple[Document, list[Issue]]:
    """Parse YAML text safely; returns the document and every issue found (never raises)."""
    if len(text) > MAX_BYTES:
        return Document(None), [too_large(file, len(text))]
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            line = text[: err.start].count(b"\n") + 1
            column = err.start - (text.rfind(b"\n", 0, err.start) + 1) + 1
            return Document(None), [
                Issue(
                    file,
                    line,
                    column,
                    None,
                    "encoding",
                    f"the file is not valid UTF-8 ({err.reason})",
                    "save the file as UTF-8",
                )
            ]
    builder = _Builder(file)
    try:
        root = builder.build(YAML(typ="safe", pure=True).parse(text))
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = " ".join(p for p in (err.context, err.problem) if p)
        issue = Issue(
            file,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            None,
            "yaml-syntax",
            f"YAML syntax error: {problem}",
            "check indentation, quoting and ':' after keys around this position",
        )
        return Document(None), [*builder.issues, issue]
    except YAMLError as err:  # reader errors: control characters, bad encodings
        return Document(None), [
            *builder.issues,
            Issue(
                file,
                None,
                None,
                None,
                "yaml-syntax",
                f"YAML error: {err}",
                "remove control characters; keep the file printable UTF-8",
            ),
        ]
    document = Document(root)
    _attach_comments(text, builder, document)
    return document, builder.issues


def _attach_comments(text: str, builder: _Builder, document: Document) -> None:
    """Find comments (a '#' outside every scalar, after a space or at line start) and attach
    full-line ones to the next slot, end-of-line ones to the innermost slot on their line."""
    lines = text.splitlines()
    covered: dict[int, list[tuple[int, int]]] = {}
    for l0, c0, l1, c1 in builder.spans:
        for line in range(l0, l1 + 1):
            start = c0 if line == l0 else 0
            end = c1 if line == l1 else 1 << 30
            covered.setdefault(line, []).append((start, end))
    slots = sorted(builder.slots, key=lambda s: (s.line, s.column))
    starts = [s.line for s in slots]
    pending: list[str] = []
    for index, raw in enumerate(lines):
        col = _comment_column(raw, covered.get(index, ()))
        if col is None:
            continue
        comment = raw[col:].rstrip()
        line = index + 1
        if raw[:col].strip() == "":
            pending.append(comment)
            nxt = bisect.bisect_right(starts, line)
            if nxt < len(slots):
                slots[nxt].before.extend(pending)
            else:
                document.trailing.extend(pending)
            pending = []
            continue
        end = bisect.bisect_right(starts, line)  # the innermost (last) slot starting here,
        target = slots[end - 1] if end > 0 else None  # else the nearest one before
        if target is None:
            document.trailing.append(comment)
        else:
            target.eol = f"{target.eol}  {comment}" if target.eol else comment


def _comment_column(raw: str, spans: Any) -> int | None:
    position = raw.find("#")
    while position != -1:
        inside = any(a <= position < b for a, b in spans)
        if not inside and (position == 0 or raw[position - 1] in " \t"):
            return position
        position = raw.find("#", position + 1)
    return None
