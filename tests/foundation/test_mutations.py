"""1,000 random mutations of a valid registry: the loader and the formatter may reject them,
but only ever with the registry's own error type (never a crash, never a hang)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxonomy.errors import Issue, RegistryError
from taxonomy.fmt import format_text
from taxonomy.loader import load_text, validate_text

BASE = (Path(__file__).parent / "data" / "small.yaml").read_text()
LINES = BASE.splitlines(keepends=True)
HUGE = [
    "9" * 5000,
    "-" + "9" * 400,
    "1e999",
    "x" * 20_000,
    "[" * 200 + "]" * 200,
    "{a: " * 60 + "1" + "}" * 60,
    '"' + "\\U0010ffff" * 1000 + '"',
    "&a [*a]",
    "!!binary AAAA",
]


@st.composite
def mutants(draw) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "swap", "bytes", "huge", "duplicate", "indent"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "swap":  # exchange the values of two 'key: value' lines
            a, b = lines[i].partition(": "), lines[j].partition(": ")
            if a[1] and b[1]:
                lines[i], lines[j] = a[0] + a[1] + b[2], b[0] + b[1] + a[2]
        elif op == "duplicate":
            lines.insert(i, lines[j])
        elif op == "indent":
            lines[i] = draw(st.sampled_from([" ", "   ", "\t", ""])) + lines[i].lstrip(" ")
        elif op == "huge":
            key = lines[i].partition(": ")[0] or "    x"
            lines[i] = f"{key}: {draw(st.sampled_from(HUGE))}\n"
        else:
            k = draw(st.integers(0, len(lines[i])))
            noise = draw(st.binary(min_size=1, max_size=8)).decode("latin-1")
            lines[i] = lines[i][:k] + noise + lines[i][k:]
    text = "".join(lines)
    if draw(st.booleans()):
        return text.encode("utf-8")
    return text.encode("latin-1", errors="replace")


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(mutants())
def test_mutations_raise_only_registry_errors(raw: bytes):
    try:
        loaded = load_text(raw)
    except RegistryError as error:
        assert error.errors, "a RegistryError always carries at least one error"
        assert all(isinstance(i, Issue) and i.message and i.fix for i in error.errors)
    else:
        assert loaded.nodes and not any(i.severity == "error" for i in loaded.warnings)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        format_text(text)  # idempotence is test_fmt's; here: no exception but our own
    except RegistryError as error:
        assert error.errors


def test_validate_never_raises_on_garbage():
    for raw in (b"\x00\xff", b"\t- [", b"{{{{", b"? ? ?", b"%YAML 9.9\n---\n", b"*a"):
        assert all(isinstance(i, Issue) for i in validate_text(raw))
