"""The part of tests/bench/RESULTS.md that each benchmark report owns: one
"## " section, replaced in place when it is there, appended when not."""
import os
import sys


def write_section(results, mark, section):
    """Puts section (text starting with the heading line mark) into the
    file results in place of the old one, and prints it."""
    text = open(results).read() if os.path.exists(results) else "# agreesign benchmark results\n"
    if mark in text:
        head, rest = text.split(mark, 1)
        nxt = rest.find("\n## ")
        text = head + section + (rest[nxt + 1:] if nxt >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(results, "w") as f:
        f.write(text)
    sys.stdout.write(section)
