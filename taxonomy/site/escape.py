"""Escaping of untrusted registry text for generated markdown and HTML.

Node text arrives by pull request, so nothing from ``registry.yaml`` may become markup.
Python-Markdown passes raw HTML through and turns ``[x](y)``, backticks, ``{: attr}`` and the
like into markup, so every field is written either as markdown with every markdown-active
character backslash-escaped and ``& < >`` turned into entities (``md_inline``, ``md_paragraphs``),
or as HTML escaped with ``html.escape`` inside a raw HTML block we generate (``html_text``).
"""

from __future__ import annotations

import html
import json
import re

# Python-Markdown's backslash-escapable characters, plus '|' (the tables extension adds it).
_MD_ACTIVE = set("\\`*_{}[]()#+-.!|")  # ">" becomes &gt; instead
_SPACE = re.compile(r"\s+")


def html_text(text: str) -> str:
    """``text`` as HTML character data or an attribute value (quotes escaped too)."""
    return html.escape(text, quote=True)


def md_inline(text: str) -> str:
    """``text`` as inline markdown that renders back to exactly ``text`` (whitespace collapsed).

    Markdown-active characters are backslash-escaped before ``& < >`` become entities, so an
    entity's own ``#`` or ``;`` is never touched and no tag, link, attribute list or code span
    can form.
    """
    flat = _SPACE.sub(" ", text).strip()
    escaped = "".join("\\" + ch if ch in _MD_ACTIVE else ch for ch in flat)
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("~", "&#126;")  # not escapable; '~~~' would open a fence


def md_paragraphs(text: str) -> str:
    """Multi-paragraph untrusted text: blank lines separate paragraphs, each ``md_inline``."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n\n".join(md_inline(p) for p in paragraphs)


def front_matter_title(text: str, hide: tuple[str, ...] = ()) -> str:
    """A YAML front matter block setting the page title.

    mkdocs-material prints ``page.meta.title`` unescaped into ``<title>`` and the header, so
    the title is HTML-escaped first; JSON quoting makes it a valid YAML double-quoted scalar.
    """
    title = html_text(_SPACE.sub(" ", text).strip())
    hidden = f"hide: {json.dumps(list(hide))}\n" if hide else ""  # mkdocs-material sidebars
    return f"---\ntitle: {json.dumps(title)}\n{hidden}---\n\n"


def safe_json(obj: object) -> str:
    """JSON that is also safe inside an HTML ``<script>`` element (no ``</``, ``<!--``)."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def reference_url(ref: str) -> str:
    """The URL of a validated reference: ``arXiv:ID``, ``doi:10.x/y`` or an http(s) URL."""
    if ref.startswith("arXiv:"):
        return "https://arxiv.org/abs/" + ref.removeprefix("arXiv:")
    if ref.startswith("doi:"):
        return "https://doi.org/" + ref.removeprefix("doi:")
    if ref.startswith(("https://", "http://")):
        return ref
    raise ValueError(f"reference {ref!r} is not an arXiv id, DOI or http(s) URL")


_SLUG_BAD = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A URL path segment for free text: ``zoo:gpt2-tiny`` -> ``zoo-gpt2-tiny``."""
    return _SLUG_BAD.sub("-", text.lower()).strip("-") or "x"
