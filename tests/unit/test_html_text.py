"""HTML -> plain text for Mastodon statuses: text kept, markup never."""

from __future__ import annotations

import pytest

from listener.html_text import MAX_INPUT_CHARS, html_to_text


@pytest.mark.parametrize(("html", "text"), [
    ("<p>Hello world</p>", "Hello world"),
    ("<p>one</p><p>two</p>", "one\n\ntwo"),
    ("<p>line<br>next<br/>last</p>", "line\nnext\nlast"),
    ("<p>a &amp; b &lt;3 &#128512; &eacute;</p>", "a & b <3 😀 é"),
    ("<p>hi <script>alert(1)</script>there</p>", "hi there"),
    ("<style>p { color: red }</style><p>styled</p>", "styled"),
    ("<p>no <!-- comment -->comment</p>", "no comment"),
    ("<p>spaces   and\n newlines\tcollapse</p>", "spaces and newlines collapse"),
    ("<pre>keep\n   indent</pre>", "keep\n   indent"),
    ("<ul><li>one</li><li>two</li></ul>", "one\n\ntwo"),
])
def test_conversion(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_mastodon_links_keep_their_full_address() -> None:
    html = ('<p>see <a href="https://example.com/long/path" rel="nofollow noopener" '
            'target="_blank"><span class="invisible">https://</span><span class="ellipsis">'
            'example.com/long</span><span class="invisible">/path</span></a> and '
            '<span class="h-card"><a href="https://masto.example/@lumen" class="u-url mention">'
            '@<span>lumen</span></a></span></p>')
    assert html_to_text(html) == "see https://example.com/long/path and @lumen"


@pytest.mark.parametrize("hostile", [
    "<p>unclosed <b>bold",
    "<p>open script <script>document.cookie",
    "<img src=x onerror=alert(1)>after",
    "<iframe src='https://evil.example'>inside</iframe>outside",
    "<svg><script>alert(1)</script></svg>text",
    "<p>a</p></p></div><<>>b",
    "<![CDATA[x]]><p>c</p>",
])
def test_hostile_markup_never_survives(hostile: str) -> None:
    text = html_to_text(hostile)
    assert "<script" not in text and "<img" not in text and "<iframe" not in text
    assert "alert(1)" not in text and "document.cookie" not in text
    assert "<p>" not in text and "<b>" not in text


def test_typed_angle_brackets_are_text() -> None:
    # The person typed "<b>": it arrives escaped and is text; the console escapes it on display.
    assert html_to_text("<p>&lt;b&gt;not bold&lt;/b&gt;</p>") == "<b>not bold</b>"


def test_unicode_passes_through() -> None:
    assert html_to_text("<p dir='rtl'>الشبكة لا تعمل 📶</p>") == "الشبكة لا تعمل 📶"
    assert html_to_text("<p>bad \ud800 half</p>") == "bad \ud800 half"  # clean_text replaces it


def test_nul_cannot_forge_a_break() -> None:
    assert html_to_text("<p>a\x00Pb\x00Bc</p>") == "aPbBc"


def test_odd_input() -> None:
    assert html_to_text(None) == ""
    assert html_to_text("") == ""
    assert html_to_text(12345) == "12345"
    assert html_to_text("just text") == "just text"


def test_huge_input_is_bounded() -> None:
    text = html_to_text("<p>" + "word " * MAX_INPUT_CHARS + "</p>")
    assert len(text) <= MAX_INPUT_CHARS
