"""autograder/text.py: text from a submission is safe to print and to store."""
import json
import os

import pytest

from autograder.text import is_safe, safe_line, safe_path, safe_text

HOSTILE = [
    "lone \ud800 surrogate and \udfff another",
    "\x1b[2J\x1b[H\x1b]0;owned\x07 clears the screen and sets the title",
    "carriage\rreturn overwrites, back\x08space too, bell\x07, NUL\x00, DEL\x7f, C1 \x9b31m",
    "bidi \u202eoverride\u202c and \u2066isolate\u2069, zero\u200bwidth, BOM \ufeff, line\u2028separator",
    "a surrogate pair held as two code points: \ud83d\ude00",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_result_encodes_prints_and_survives_json(text):
    safe = safe_text(text)
    safe.encode("utf-8")   # a lone surrogate would raise here, as it did in print()
    assert json.loads(json.dumps(safe, ensure_ascii=False)) == safe
    assert json.loads(json.dumps(safe)) == safe
    assert is_safe(safe) and safe_text(safe) == safe   # idempotent
    assert not any(ord(c) < 32 and c not in "\n\t" or 0x7f <= ord(c) <= 0x9f for c in safe)
    assert not any(0xd800 <= ord(c) <= 0xdfff for c in safe)


def test_controls_are_shown_escaped_not_dropped():
    assert safe_text("a\x1b[31mb") == "a\\x1b[31mb"
    assert safe_text("x\ry") == "x\\ry"
    assert safe_text("\u202eabc") == "\\u202eabc"
    assert safe_text("lone \ud800") == "lone \ufffd"
    assert safe_text("\ud83d\ude00") == "\U0001f600"   # a pair stays its character
    assert safe_text("two\nlines\tand a tab") == "two\nlines\tand a tab"
    assert safe_line("two\nlines\tand a tab") == "two\\nlines\\tand a tab"


def test_long_text_is_cut_and_says_so():
    out = safe_text("x" * 100_000, 100)
    assert out.startswith("x" * 100) and out.endswith("[... cut]") and len(out) < 120
    assert safe_text("\x1b" * 100_000, 50).endswith("[... cut]")


def test_anything_becomes_text():
    class Unprintable:
        def __str__(self):
            raise RuntimeError("no")
    assert "cannot be shown" in safe_text(Unprintable())
    assert safe_text(12) == "12" and safe_text(None) == "None"


def test_file_names_keep_their_bytes_visible():
    name = os.fsdecode(b"/subs/al\xffce\x1b[31m.ipynb")   # not UTF-8: a lone surrogate in Python
    assert safe_path(name) == "/subs/al\\xffce\\x1b[31m.ipynb"
    assert safe_path("/subs/nice é.ipynb") == "/subs/nice é.ipynb"
