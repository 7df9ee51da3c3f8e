#!/usr/bin/python3
"""Compares `hull deps` with lddtree (pax-utils) and ldd on every ELF file
below the given directories.

    compare-closure.py HULL DIR... [--list-out FILE] [--limit N]

For each ELF file, the libraries that lddtree and ldd find (by real path)
must all be in hull's closure.  A difference is "explained" when it is one
of the known, checked ways in which those tools differ from ld.so:

  ldd-loader     ldd lists the dynamic loader it ran a library with, even
                 when nothing in the library's closure needs it
  lddtree-runpath  lddtree searches the executable's RUNPATH for every
                 library; ld.so searches RUNPATH only for the DT_NEEDED of
                 the object that has it: hull reports the library not found,
                 as ld.so does (the lost path must be that RUNPATH's copy of
                 a name hull reports missing)
  lddtree-interp lddtree lists PT_INTERP without looking whether it exists
                 (perf-read-vdsox32's /libx32/ld-linux-x32.so.2 does not)
Anything else is a failure.  Prints a summary (the last line: "N ELF files,
N match, N explained, N unexplained") and exits 1 on an unexplained one.
"""
import importlib.machinery
import importlib.util
import io
import json
import multiprocessing
import os
import re
import subprocess
import sys
import contextlib

LDDTREE = "/usr/bin/lddtree"


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(dirs):
    out = []
    for top in dirs:
        for root, subdirs, files in os.walk(top):
            subdirs.sort()
            for name in sorted(files):
                p = os.path.join(root, name)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                if is_elf(p):
                    out.append(p)
    return out


_lddtree = None
_ldpaths = None


def lddtree_module():
    global _lddtree, _ldpaths
    if _lddtree is None:
        loader = importlib.machinery.SourceFileLoader("lddtree", LDDTREE)
        spec = importlib.util.spec_from_loader("lddtree", loader)
        mod = importlib.util.module_from_spec(spec)
        loader.exec_module(mod)
        _lddtree = mod
        _ldpaths = mod.LoadLdpaths("/")
    return _lddtree, _ldpaths


def run_lddtree(path):
    mod, ldpaths = lddtree_module()
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            elf = mod.ParseELF(path, "/", None, "", ldpaths)
    except Exception as e:  # pylint: disable=broad-except
        return None, str(e)
    found, missing = set(), set()
    for name, lib in elf["libs"].items():
        if lib.get("realpath"):
            found.add(os.path.realpath(lib["realpath"]))
        elif lib.get("path") is None:
            missing.add(name)
    return found, missing


LDD_LINE = re.compile(r"^\s*(?:(\S+) => )?(\S+|not found)(?: \(0x[0-9a-f]+\))?\s*$")


def run_ldd(path):
    try:
        p = subprocess.run(["ldd", path], capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    found, missing = set(), set()
    for line in p.stdout.splitlines():
        if "=>" in line and "not found" in line:
            missing.add(line.split("=>")[0].strip())
            continue
        m = LDD_LINE.match(line)
        if not m:
            continue
        target = m.group(2)
        if target.startswith("/"):
            found.add(os.path.realpath(target))
    return found, missing


def tools(path):
    return path, run_lddtree(path), run_ldd(path)


def run_hull(hull, files, hwcaps):
    """{file: (found realpaths, missing names, error, tree)}"""
    out = {}
    for i in range(0, len(files), 200):
        batch = files[i:i + 200]
        p = subprocess.run([hull, "deps", "--json", "--hwcaps", hwcaps] + batch, capture_output=True, text=True,
                           check=False)
        try:
            doc = json.loads(p.stdout)
        except json.JSONDecodeError:
            sys.exit(f"hull deps failed on a batch: {p.stderr[-2000:]}")
        for tree in doc["programs"]:
            if tree["parent"] is not None:
                continue
            found, missing = set(), set()
            for o in tree["objects"][1:]:
                if o["type"] == "missing":
                    missing.add(o["name"])
                elif o["realpath"]:
                    found.add(o["realpath"])
            out[tree["program"]] = (found, missing, tree["error"], tree)
    return out


def has_interp(path):
    try:
        out = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True, check=False).stdout
    except OSError:
        return False
    return "Requesting program interpreter" in out


def explain(path, tool, lost, hull_result):
    """Why `tool` found the real paths `lost` that hull did not, or None."""
    found, missing, error, tree = hull_result
    if tool == "lddtree" and all(not os.path.exists(p) for p in lost):
        return "lddtree-interp"
    if tool == "ldd" and all(os.path.basename(p).startswith("ld-linux") for p in lost) and not has_interp(path):
        return "ldd-loader"
    if tool == "lddtree" and tree is not None and missing:
        # lddtree found through the executable's RUNPATH a library that an
        # indirect dependency needs; hull (like ld.so) reports it missing.
        elf = tree["objects"][0].get("elf") or {}
        runpath = elf.get("runpath") or ""
        origin = os.path.dirname(os.path.realpath(path))
        for d in runpath.split(":"):
            d = d.replace("${ORIGIN}", origin).replace("$ORIGIN", origin)
            for m in missing:
                cand = os.path.join(d, m)
                if os.path.exists(cand) and os.path.realpath(cand) in lost:
                    return "lddtree-runpath"
    return None


def main():
    args = sys.argv[1:]
    limit = None
    list_out = None
    if "--limit" in args:
        i = args.index("--limit")
        limit = int(args[i + 1])
        del args[i:i + 2]
    if "--list-out" in args:
        i = args.index("--list-out")
        list_out = args[i + 1]
        del args[i:i + 2]
    hull, dirs = args[0], args[1:]
    files = elf_files(dirs)
    if limit:
        files = files[:limit]
    hwcaps = os.environ.get("HULL_HWCAPS")
    if hwcaps is None:
        hwcaps = ",".join(l.split()[0] for l in subprocess.run(
            ["/lib64/ld-linux-x86-64.so.2", "--help"], capture_output=True, text=True, check=False).stdout.splitlines()
            if "(supported, searched)" in l and "x86-64-v" in l) or "none"
    hull_res = run_hull(hull, files, hwcaps)
    with multiprocessing.Pool(max(2, os.cpu_count() or 2)) as pool:
        results = pool.map(tools, files, chunksize=16)
    stats = {"match": 0, "explained": 0, "unexplained": 0}
    reasons = {}
    lines = []
    for path, (lt, lt_missing), (ld, ld_missing) in results:
        h = hull_res.get(path)
        if h is None:
            lines.append(f"UNEXPLAINED {path}: hull printed nothing for it")
            stats["unexplained"] += 1
            continue
        found = h[0]
        verdict = "match"
        for tool, got in (("lddtree", lt), ("ldd", ld)):
            if got is None:
                continue
            lost = {p for p in got if p not in found and os.path.realpath(path) != p}
            if not lost:
                continue
            why = explain(path, tool, lost, h)
            if why:
                reasons[why] = reasons.get(why, 0) + 1
                lines.append(f"explained ({why}) {path}: {tool} found {sorted(lost)}")
                if verdict == "match":
                    verdict = "explained"
            else:
                verdict = "unexplained"
                lines.append(f"UNEXPLAINED {path}: {tool} found {sorted(lost)} that hull did not"
                             f" (hull error: {h[2]})")
        stats[verdict] += 1
    for l in lines:
        print(l)
    for why, n in sorted(reasons.items()):
        print(f"reason {why}: {n}")
    if list_out:
        with open(list_out, "w", encoding="utf-8") as f:
            f.write("\n".join(files) + "\n")
    print(f"{len(files)} ELF files, {stats['match']} match, {stats['explained']} explained, "
          f"{stats['unexplained']} unexplained")
    return 1 if stats["unexplained"] else 0


if __name__ == "__main__":
    sys.exit(main())
