"""Text from files and users, made safe to show: Streamlit renders Markdown (and some HTML-like syntax) in
st.markdown, st.error, st.success, st.warning, st.info and captions. Anything that comes from a file or a user
goes through :func:`inert` before it is put into such an element."""

from __future__ import annotations

MARKDOWN_SPECIAL = set("\\`*_{}[]<>()#+-.!|~$:=\"'&^%")


def inert(text: object) -> str:
    """Every character Markdown, HTML, LaTeX (``$``) or Streamlit's directives (``:red[...]``,
    ``:material/...:``) could read is backslash-escaped, and line breaks become spaces."""
    flat = " ".join(str(text).split())
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in flat)
