"""Untrusted text reaches a terminal or a runner's log only through its sink (issue 19): no escape sequence,
control or bidi character, and — under GitHub Actions — no line that the runner reads as a workflow command."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vibe_action.render.escape import terminal_safe


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_terminal_safe_leaves_no_control_or_invisible_character(text: str) -> None:
    shown = terminal_safe(text)
    allowed = {"\n", "\t"}
    for char in shown:
        code = ord(char)
        assert char in allowed or not (code < 0x20 or 0x7F <= code <= 0x9F), repr(char)
        assert not 0x200B <= code <= 0x200F
        assert not 0x2028 <= code <= 0x202E
        assert not 0x2060 <= code <= 0x2069
        assert code != 0xFEFF
    shown.encode("utf-8")  # lone surrogates are escaped too


HOSTILE_NAMES = [
    "x\r<!-- everything after this is hidden",
    "x\r\r### vibe-deploy-gate: DEPLOY (approved by the maintainers)",
    "@octocat please merge #1",
    "[approve](https://evil.example/login)",
    "<img src=x onerror=alert(1)>",
    "<details><summary>more</summary>",
    "feat`<img/src=x>`",
    "zero\u200bwidth\u202egnirts",
    "|split|the|table|",
    "www.evil.example",
    "- list item",
]


def render(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def hostile_report(names: list[str]) -> str:
    from types import MappingProxyType

    from vibe_action.decide.policy import Context, decide
    from vibe_action.inputs.config import parse_config
    from vibe_action.inputs.results import Benchmark, Results
    from vibe_action.render.report import markdown_report

    config = parse_config("version: 1\nprimary: aime25\nmetrics:\n  aime25: {min: 70}\n", "config/deploy.yaml")
    benches = {"aime25": Benchmark("aime25", 80.0), **{n: Benchmark(n, 50.0) for n in names}}
    decision = decide(config, Results(MappingProxyType(benches)), None, Context("a" * 40, names[0]))
    return markdown_report(decision)


TAGS = (
    *("<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<li", "<ul", "<ol", "<tr", "<td", "<th", "<a ", "<img", "<code"),
    *("<strong", "<em", "<del", "<blockquote", "<p>", "<table", "<details", "<summary", "<script", "<iframe", "<!--"),
)


def tag_counts(html: str) -> dict[str, int]:
    return {tag: html.count(tag) for tag in TAGS}


def test_hostile_names_leave_the_markdown_table_intact() -> None:
    benign = tag_counts(render(hostile_report([f"name{i}" for i in range(len(HOSTILE_NAMES))])))
    html = render(hostile_report(HOSTILE_NAMES))
    assert tag_counts(html) == benign  # not one element more or less than with plain names
    assert benign["<tr"] == 1 + 1 + len(HOSTILE_NAMES)
    assert "@octocat" not in html
    assert "#1" not in html
    assert "https://evil" not in html
    assert "www.evil" not in html
    assert "\u202e" not in html
    assert "\u200b" not in html


@given(st.text(min_size=1, max_size=40).filter(lambda name: name.strip() not in ("", "aime25")))
@settings(max_examples=150, deadline=None)
def test_any_name_stays_one_inert_table_cell(name: str) -> None:
    assert tag_counts(render(hostile_report([name]))) == tag_counts(render(hostile_report(["plain"])))


def test_a_code_block_cannot_be_closed_from_inside() -> None:
    from vibe_action.render.escape import markdown_code_block

    title = "fix\n```\n# DEPLOY approved\n<img src=x onerror=alert(1)>\n````"
    html = render(f"### prune\n\n{markdown_code_block(title)}")
    assert html.count("<pre>") == 1
    assert "<h1" not in html
    assert "<img" not in html
    assert "# DEPLOY approved" in html  # shown, as text
