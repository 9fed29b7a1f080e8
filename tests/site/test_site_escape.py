"""Untrusted text renders back to itself through the site's own markdown pipeline."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from taxonomy.site.escape import (
    front_matter_title,
    md_inline,
    md_paragraphs,
    reference_url,
    safe_json,
    slug,
)

# The extensions of site/mkdocs.yml, so the property holds for what the site really renders.
EXTENSIONS = ["tables", "toc", "admonition", "pymdownx.highlight", "pymdownx.superfences"]
HOSTILE = st.text(
    alphabet=st.sampled_from(list("<>&\"'`*_{}[]()#+-.!|~:=^\\/ \n\tabcxyz0123;")), max_size=80
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def render(md: str) -> _Tags:
    parser = _Tags()
    parser.feed(markdown.markdown(md, extensions=EXTENSIONS))
    parser.close()
    return parser


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_md_inline_renders_exactly_the_text_and_no_markup(text: str) -> None:
    out = render("| a |\n|---|\n| " + md_inline(text) + " |\n")
    assert set(out.tags) <= {"table", "thead", "tbody", "tr", "th", "td"}
    cell = "".join(out.text).strip().removeprefix("a").strip()
    assert cell == " ".join(text.split())


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_md_paragraphs_keep_text_and_make_only_paragraphs(text: str) -> None:
    out = render(md_paragraphs(text))
    assert set(out.tags) <= {"p"}
    assert " ".join("".join(out.text).split()) == " ".join(text.split())


def test_known_attacks_are_inert() -> None:
    attack = '<script>alert(1)</script> [x](javascript:alert(1)) {: onclick="x"} ~~~'
    rendered = markdown.markdown(md_inline(attack), extensions=EXTENSIONS)
    assert "<script" not in rendered and "<a " not in rendered
    assert render(md_inline(attack)).tags == ["p"]  # no element carries an onclick
    assert html.unescape(re.sub(r"<[^>]+>", "", rendered)) == attack


def test_front_matter_title_is_yaml_of_the_escaped_title() -> None:
    block = front_matter_title('</title><script>x</script> "q"')
    meta = YAML(typ="safe", pure=True).load(block.strip().strip("-"))
    assert meta["title"] == "&lt;/title&gt;&lt;script&gt;x&lt;/script&gt; &quot;q&quot;"


def test_safe_json_cannot_close_a_script_element() -> None:
    text = safe_json({"a": "</script><!-- & -->"})
    assert "</" not in text and "<!--" not in text
    import json

    assert json.loads(text) == {"a": "</script><!-- & -->"}


def test_reference_urls_and_slugs() -> None:
    assert reference_url("arXiv:2308.00189") == "https://arxiv.org/abs/2308.00189"
    assert reference_url("doi:10.1/x") == "https://doi.org/10.1/x"
    assert reference_url("https://a.org/b") == "https://a.org/b"
    assert slug("zoo:GPT2-tiny") == "zoo-gpt2-tiny"
    assert slug("ext/<model>&1") == "ext-model-1"
