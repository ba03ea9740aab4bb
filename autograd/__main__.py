"""``python -m autograd``: print the op table as Markdown, the "Ops" table of docs/engine.md."""

from .ops import markdown_table

print(markdown_table())
