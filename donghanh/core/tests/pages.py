"""Reading HTML responses the way a user sees them: elements by data-testid, table rows, link targets.

A small tree builder on the standard library's HTMLParser, so tests need no extra package.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None = None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Descendants (and self) with this tag and these attributes; `data_testid="x"` → data-testid="x"."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag) and all(node.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def get(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find(tag, **attrs)
        assert found is not None, f"no <{tag or '*'} {attrs}> in the page"
        return found

    @property
    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return " ".join(" ".join(parts).split())

    def rows(self) -> list[list[str]]:
        """The body rows of a table, each a list of cell texts."""
        body = self.find("tbody") or self
        return [[cell.text for cell in row.children if isinstance(cell, Node)] for row in body.find_all("tr")]

    def links(self) -> list[tuple[str, str]]:
        """(text, href) of every link inside."""
        return [(a.text, a.attrs.get("href") or "") for a in self.find_all("a")]

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID_ELEMENTS:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(content: bytes | str | Any) -> Node:
    """Parse a response (or its content) into a tree."""
    if hasattr(content, "content"):
        content = content.content
    if isinstance(content, bytes):
        content = content.decode()
    builder = _Builder()
    builder.feed(content)
    builder.close()
    return builder.root
