#!/usr/bin/env python3
"""Lists public declarations without a doc comment in the libraries other people build on.

Every `public`/`open` type, function, initialiser, property, subscript and typealias, and every
requirement of a public protocol, needs a `///` comment (or a `/** */` block) right above it
(attributes may sit in between). Exceptions are witnesses of standard protocols whose meaning is
fixed by the protocol (`description`, `==`, `hash(into:)`, `encode(to:)`, `next()`, ...).
Generated code (Sources/TLSchema/Generated) carries the schema line as its comment and is not checked.

    Scripts/check_doc_comments.py [DIR ...]     (default: MTProto, TLSchema/Runtime, Bot, Telegram)
Exit 1 and one `file:line: declaration` per miss if any is missing.
"""
import os
import re
import sys

ROOTS = ["Sources/MTProto", "Sources/TLSchema/Runtime", "Sources/Bot", "Sources/Telegram"]
MODIFIERS = r"(?:(?:nonisolated|final|static|class|override|mutating|nonmutating|convenience|required|indirect|lazy|dynamic|(?:private|fileprivate|internal)\(set\))\s+)*"
PUBLIC_DECL = re.compile(
    r"^\s*(?:@[\w.]+(?:\([^)]*\))?\s+)*" + MODIFIERS + r"(?:public|open)\s+" + MODIFIERS +
    r"(func|var|let|init|struct|enum|class|actor|protocol|typealias|subscript|extension)\b\s*([^\s(:<{]*)")
REQUIREMENT = re.compile(r"^\s*(?:@[\w.]+\s+)*(?:(?:static|mutating|nonisolated)\s+)*(func|var|init|subscript|associatedtype)\b\s*([^\s(:<{]*)")
WITNESSES = {"description", "debugDescription", "errorDescription", "hash", "==", "<", "makeIterator",
             "next", "makeAsyncIterator", "encode", "startIndex", "endIndex", "index"}


def documented(lines, i):
    j = i - 1
    while j >= 0 and lines[j].strip().startswith("@"):
        j -= 1
    previous = lines[j].strip() if j >= 0 else ""
    return previous.startswith("///") or previous.endswith("*/")


def check_file(path):
    misses = []
    lines = open(path, encoding="utf-8").read().split("\n")
    protocol_depth = None  # brace depth inside a public protocol body
    depth = 0
    for i, line in enumerate(lines):
        code = line.split("//")[0]
        if protocol_depth is not None and depth == protocol_depth:
            m = REQUIREMENT.match(line)
            if m and m.group(2) not in WITNESSES and not documented(lines, i):
                misses.append(f"{path}:{i + 1}: {line.strip()}")
        m = PUBLIC_DECL.match(line)
        if m and m.group(1) != "extension" and m.group(2) not in WITNESSES and not documented(lines, i):
            misses.append(f"{path}:{i + 1}: {line.strip()}")
        if m and m.group(1) == "protocol":
            protocol_depth = depth + 1
        depth += code.count("{") - code.count("}")
        if protocol_depth is not None and depth < protocol_depth:
            protocol_depth = None
    return misses


def main():
    roots = sys.argv[1:] or ROOTS
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    misses = []
    for root in roots:
        for directory, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                if name.endswith(".swift"):
                    misses += check_file(os.path.join(directory, name))
    for miss in misses:
        print(miss)
    if misses:
        print(f"{len(misses)} public declarations without a doc comment", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
