#!/usr/bin/python3
"""Checks the library's architecture from its object files.

Usage: layers.py --layers "base codec ..." LIB_OBJ_DIR [CLI_OBJ_DIR]
       layers.py --layers "base codec ..." LIB_OBJ_DIR LIB.o ... [-- CLI.o ...]

LIB_OBJ_DIR holds one object per library source, in a folder per layer
(LIB_OBJ_DIR/<layer>/<module>.o): every object under it, or the objects
listed after it (the Makefile lists them, so that an object left behind by
an older layout is not read); --layers names the layers from the lowest
to the highest. From `nm`, each object's defined and undefined symbols give
the graph "file A refers to a symbol that file B defines". It fails
(exit 1, one line per finding) when
  - a library object refers to a symbol defined in a CLI object,
  - an object refers to a symbol of a higher layer (a call upward),
  - the file graph has a cycle (among files of any layer),
  - an object lies outside the named layers,
  - with --src SRC_LIB_DIR (before LIB_OBJ_DIR): a source or header of
    SRC_LIB_DIR/<layer>/ includes a header of a higher layer's folder
    (headers at SRC_LIB_DIR's top, such as internal.h, are for every layer).
Exit 0 prints a one-line summary; exit 2 is a usage or tool error."""
import os
import re
import subprocess
import sys


def symbols(path):
    """(defined, undefined) global symbol sets of one object file."""
    out = subprocess.run(["nm", "-P", path], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("layers: nm %s: %s" % (path, out.stderr.strip()))
    defined, undefined = set(), set()
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind in "TDBRCGSV" or kind == "W":
            defined.add(name)
    return defined, undefined


def objects(top):
    found = []
    for root, _, files in os.walk(top):
        for f in files:
            if f.endswith(".o"):
                found.append(os.path.join(root, f))
    return sorted(found)


def name_of(top, path):
    return os.path.relpath(path, top)[:-2]


def cycles(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def includes(src, rank):
    """Findings: a file that includes a header of a higher layer."""
    where, found = {}, []
    for layer in rank:
        d = os.path.join(src, layer)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else ():
            where[f] = layer
    for f, layer in sorted(where.items()):
        with open(os.path.join(src, layer, f), encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                h = m and os.path.basename(m.group(1))
                if h in where and rank[where[h]] > rank[layer]:
                    found.append("%s/%s:%d includes %s of layer %s: an include upward"
                                 % (layer, f, n, h, where[h]))
    return found


def main(argv):
    src = None
    if len(argv) > 2 and argv[1] == "--src":
        src, argv = argv[2], [argv[0]] + argv[3:]
    if len(argv) < 4 or argv[1] != "--layers":
        sys.exit("usage: layers.py [--src SRC_LIB_DIR] --layers \"LOW ... HIGH\" LIB_OBJ_DIR [CLI_OBJ_DIR]")
    layers = argv[2].split()
    rank = {name: i for i, name in enumerate(layers)}
    lib_dir = argv[3]
    rest = argv[4:]
    if any(a.endswith(".o") for a in rest):
        cut = rest.index("--") if "--" in rest else len(rest)
        lib_objs, cli_objs = rest[:cut], rest[cut + 1:]
    else:
        lib_objs = objects(lib_dir)
        cli_objs = objects(rest[0]) if rest else []
    lib = {name_of(lib_dir, p): symbols(p) for p in lib_objs}
    if not lib:
        sys.exit("layers: no object files under %s" % lib_dir)
    cli_defs = {}
    for p in cli_objs:
        for s in symbols(p)[0]:
            cli_defs[s] = os.path.basename(p)[:-2]
    owner = {}
    for f, (defined, _) in lib.items():
        for s in defined:
            owner[s] = f
    problems = []
    graph = {f: set() for f in lib}
    for f, (_, undefined) in sorted(lib.items()):
        layer = f.split("/")[0] if "/" in f else ""
        if layer not in rank:
            problems.append("%s: not in a layer folder (%s)" % (f, " ".join(layers)))
            continue
        for s in sorted(undefined):
            if s in cli_defs:
                problems.append("%s: refers to %s, defined in the CLI (%s)" % (f, s, cli_defs[s]))
            g = owner.get(s)
            if g is None or g == f:
                continue
            graph[f].add(g)
            glayer = g.split("/")[0]
            if glayer in rank and rank[glayer] > rank[layer]:
                problems.append("%s (%s) calls %s in %s (%s): a call upward"
                                % (f, layer, s, g, glayer))
    if src:
        problems.extend(includes(src, rank))
    for comp in cycles(graph):
        problems.append("cycle among: " + " ".join(comp))
    for p in problems:
        print("layers: " + p)
    if problems:
        return 1
    edges = sum(len(v) for v in graph.values())
    print("layers: %d library files in %d layers, %d file-to-file edges, no cycle, no call upward"
          % (len(lib), len(layers), edges))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
