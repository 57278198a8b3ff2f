"""HTML -> safe plain text, for platforms whose posts arrive as HTML (Mastodon's `content`).

Only text survives: tags, comments, scripts and styles are dropped, entities are unescaped,
`<br>` and block elements become line breaks. The result is plain text that may contain `<`
where a person typed it; escaping it for display is the console's job at render time.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Past this the rest is cut before parsing: a record keeps ~10k characters anyway, and a huge
# hostile payload should not cost the poll seconds of parsing.
MAX_INPUT_CHARS = 200_000

_DROP = {"script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg"}
_BLOCK = {"p", "div", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
          "tr", "table", "section", "article", "header", "footer", "dl", "dt", "dd", "hr"}
_SPACES = re.compile(r"[ \t\r\n\f]+")
_PARA = "\x00P"  # placeholder for a paragraph boundary, resolved after parsing
_BREAK = "\x00B"  # placeholder for a <br>


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._drop_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self._drop_depth += 1
        elif tag == "br":
            self.parts.append(_BREAK)
        elif tag in _BLOCK:
            self.parts.append(_PARA)
            if tag == "pre":
                self._pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/> and friends: a self-closing tag never opens a dropped region.
        if tag == "br":
            self.parts.append(_BREAK)
        elif tag in _BLOCK:
            self.parts.append(_PARA)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self._drop_depth = max(0, self._drop_depth - 1)
        elif tag in _BLOCK:
            self.parts.append(_PARA)
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._drop_depth:
            return
        data = data.replace("\x00", "")  # NUL marks our placeholders
        self.parts.append(data if self._pre_depth else _SPACES.sub(" ", data))


def html_to_text(html: object) -> str:
    """Plain text of an HTML fragment: no markup, entities unescaped, breaks as newlines."""
    if html is None:
        return ""
    source = html if isinstance(html, str) else str(html)
    parser = _TextExtractor()
    try:
        parser.feed(source[:MAX_INPUT_CHARS])
        parser.close()
    except Exception:  # html.parser is lenient; this guards against its rare assertion errors
        return ""
    return _layout("".join(parser.parts))


def _layout(text: str) -> str:
    """Resolve break placeholders: at most one blank line between paragraphs, no edge spaces."""
    lines: list[str] = []
    for chunk in text.split(_PARA):
        paragraph = "\n".join(line.strip(" ") for line in chunk.split(_BREAK))
        if paragraph.strip():
            lines.append(paragraph.strip("\n "))
    return "\n\n".join(lines)
