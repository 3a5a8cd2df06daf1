"""Text that came from a submission, made safe to store and to print.

Exception messages, cell errors, test outputs and file names can carry
anything: lone surrogates (which no UTF-8 stream can encode, so printing or
writing them raises), terminal escape sequences (which would reach the
instructor's terminal and could rewrite what it shows), carriage returns and
backspaces (which overwrite a line), bidirectional overrides (which reorder
what is shown). `safe_text` keeps the text readable and makes all of that
visible instead of active: such characters are shown escaped, `\\x1b`,
`\\u202e`, and lone surrogates become U+FFFD. Its result encodes as UTF-8 and
survives a JSON round trip unchanged.
"""
from __future__ import annotations

import os
import re

# Shown escaped: C0 and C1 controls and DEL (escape sequences, CR, backspace, bell...),
# bidirectional embeddings, overrides and isolates, line and paragraph separators, and
# the other invisible format characters (zero-width joiners, the byte-order mark).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\u200b-\u200d\u2060-\u2064\ufeff\ufff9-\ufffb]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _without_lone_surrogates(s: str) -> str:
    # A surrogate pair held as two code points becomes its character; a lone one becomes U+FFFD.
    if not any("\ud800" <= ch <= "\udfff" for ch in s):
        return s
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def safe_text(value, limit: int | None = 2000, *, multiline: bool = True) -> str:
    """`value` as text that is safe to print and to store.

    Lone surrogates become U+FFFD; control characters other than newline and
    tab (with `multiline=False`, those too) and invisible format characters are
    shown escaped. Text longer than `limit` characters is cut, saying how much
    was left out. Never raises (a value whose str() fails is described as such).
    """
    if not isinstance(value, str):
        try:
            value = str(value)
        except Exception:
            value = f"(a {type(value).__name__} that cannot be shown as text)"
    if limit is not None and len(value) > 4 * limit + 64:
        value = value[:4 * limit + 64]   # bound the work before escaping; cut again below
        cut_early = True
    else:
        cut_early = False
    text = _without_lone_surrogates(value)
    if multiline:
        text = _UNSAFE.sub(lambda m: m.group() if m.group() in "\n\t" else _escape(m), text)
    else:
        text = _UNSAFE.sub(_escape, text)
    if limit is not None and (len(text) > limit or cut_early):
        text = text[:limit] + " [... cut]"
    return text


def safe_line(value, limit: int | None = 300) -> str:
    """Like safe_text, on one line: newlines and tabs are shown escaped too
    (a name or a table cell cannot start a line of its own)."""
    return safe_text(value, limit, multiline=False)


def safe_path(path) -> str:
    """A file name as text: bytes that are not UTF-8 are shown as \\xNN (the name
    stays recognisable), then made safe like any other line."""
    raw = os.fsencode(os.fspath(path))
    return safe_line(raw.decode("utf-8", "backslashreplace"), limit=1000)


def is_safe(text: str) -> bool:
    """True when `text` is unchanged by safe_text (without a length limit)."""
    return safe_text(text, None) == text
