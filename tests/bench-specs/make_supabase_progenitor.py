#!/usr/bin/env python3
"""Makes supabase-management-progenitor.yaml: the corpus spec
supabase-management.yaml with the parts progenitor 0.15.1 cannot read
removed, for the `progenitor` section of the benchmarks (see README.md).

    python3 tests/bench-specs/make_supabase_progenitor.py SOURCE [--check]

SOURCE is the corpus file (shared/corpus/supabase-management.yaml beside the
repository). Without --check the output is written next to this script; with
--check nothing is written and the exit status says whether the committed
file is what SOURCE gives.

The removal works on the text, line by line, so every line that stays is the
source's line byte for byte (`diff SOURCE OUTPUT` shows only deletions). A
block is the line holding a mapping key plus every following line indented
deeper. As a cross-check the script parses both documents and requires the
output to equal the source with the same keys deleted from the parsed data.
Deterministic: same source, same bytes out. Needs PyYAML.
"""

import copy
import sys
from pathlib import Path

import yaml

OUTPUT = Path(__file__).with_name("supabase-management-progenitor.yaml")

# (path of keys, why). Each block is deleted; a path item left with no
# operation is deleted too. A last element "- VALUE" names the item VALUE of
# a block sequence of plain scalars.
REMOVALS = [
    (
        ["paths", "/v1/projects/{ref}/functions", "post"],
        "v1-create-a-function (deprecated): its only request body is "
        "application/vnd.denoland.eszip, written without a `schema`; progenitor "
        "stops with `No schema specified for request body` (and would reject the "
        "media type: it reads only JSON, form-urlencoded, octet-stream and text bodies)",
    ),
    (
        ["paths", "/v1/projects/{ref}/functions/deploy", "post"],
        "v1-deploy-a-function: its only request body is multipart/form-data, "
        "which progenitor does not read (`unexpected content type`)",
    ),
    (
        [
            "paths",
            "/v1/projects/{ref}/functions/{function_slug}",
            "patch",
            "requestBody",
            "content",
            "application/vnd.denoland.eszip",
        ],
        "v1-update-a-function keeps its application/json body; the second media "
        "type is dropped because progenitor accepts exactly one media type per "
        "request body (`more media types than expected`)",
    ),
    (
        ["components", "schemas", "SupavisorConfigResponse", "required", "- connectionString"],
        "an upstream slip: `connectionString` is listed as required but is not among "
        "the properties (which have `connection_string`); progenitor reads it and "
        "emits a second field named `connection_string`, so its crate does not "
        "compile (E0124 field already declared)",
    ),
]

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def indent(line):
    return len(line) - len(line.lstrip(" "))


def key_of(line):
    """The mapping key a line starts with, unquoted, or None; for a
    sequence item of a plain scalar, the line itself ("- VALUE")."""
    text = line.strip()
    if text.startswith("- ") and ":" not in text:
        return text
    if not text or text.startswith(("#", "- ")) or ":" not in text:
        return None
    if text[0] in "'\"":
        quote = text[0]
        end = text.index(quote, 1)
        return text[1:end] if text[end + 1 :].startswith(":") else None
    return text.split(":", 1)[0] if text.split(":", 1)[1][:1] in ("", " ") else None


def block(lines, keys):
    """(start, end) of the block at `keys`: lines[start:end]."""
    start, end = 0, len(lines)
    for n, key in enumerate(keys):
        depth = child_indent(lines, start, end)
        found = [i for i in range(start, end) if lines[i].strip() and indent(lines[i]) == depth and key_of(lines[i]) == key]
        if len(found) != 1:
            raise SystemExit(f"not found once: {keys} (at {key!r})")
        i = j = found[0]
        j += 1
        while j < end and (not lines[j].strip() or indent(lines[j]) > depth):
            j += 1
        if n == len(keys) - 1:
            return i, j
        start, end = i + 1, j
    raise SystemExit(f"empty path: {keys}")


def child_indent(lines, start, end):
    """The indentation of the first non-blank line in lines[start:end]."""
    for i in range(start, end):
        if lines[i].strip() and not lines[i].lstrip().startswith("#"):
            return indent(lines[i])
    return -1


def transform(source_text):
    lines = source_text.splitlines(keepends=True)
    for keys, _why in REMOVALS:
        start, end = block(lines, keys)
        del lines[start:end]
        if keys[0] == "paths" and keys[2] in METHODS:
            # Drop the path item too if no operation is left in it.
            p_start, p_end = block(lines, keys[:2])
            rest = {key_of(l) for l in lines[p_start + 1 : p_end] if indent(l) == indent(lines[p_start]) + 2}
            if not rest & METHODS:
                del lines[p_start:p_end]
    return "".join(lines)


def cross_check(source_text, output_text):
    expected = copy.deepcopy(yaml.safe_load(source_text))
    for keys, _why in REMOVALS:
        node = expected
        for key in keys[:-1]:
            node = node[key]
        if keys[-1].startswith("- "):
            node.remove(keys[-1][2:])
        else:
            del node[keys[-1]]
        if keys[0] == "paths" and keys[2] in METHODS:
            item = expected["paths"][keys[1]]
            if not set(item) & METHODS:
                del expected["paths"][keys[1]]
    if yaml.safe_load(output_text) != expected:
        raise SystemExit("cross-check failed: the text removal differs from the parsed removal")


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    if len(args) != 1:
        raise SystemExit(__doc__)
    source_text = Path(args[0]).read_text(encoding="utf-8")
    output_text = transform(source_text)
    cross_check(source_text, output_text)
    if "--check" in sys.argv[1:]:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
        if current != output_text:
            raise SystemExit(f"{OUTPUT.name} is stale: rerun without --check")
        print(f"{OUTPUT.name} is up to date")
        return
    OUTPUT.write_text(output_text, encoding="utf-8")
    removed = len(source_text.splitlines()) - len(output_text.splitlines())
    print(f"wrote {OUTPUT.name}: {removed} of {len(source_text.splitlines())} lines removed")
    for keys, why in REMOVALS:
        print(f"  - {' / '.join(keys)}: {why}")


if __name__ == "__main__":
    main()
