#!/usr/bin/env python
"""Adding one article to an existing store (issue 14: "≤ 2 s end to end"), median of N.

Each run copies the store (``--store``) to a scratch folder and runs ``kg --store COPY build
ARTICLE`` in a fresh interpreter, so every run adds the article to the same store. The
article is ``--article`` (default: the first corpus file of the store's build, under a new
title and file name: a new document describing a new conflict, naming the parties, people
and places the store already knows). ``--profile FILE`` also writes a cProfile of one more
run (``python -m pstats FILE``).

Usage::

    python benchmarks/add_one.py --store /tmp/store-2k --article data/wikipedia/syria/battle_of_hosn.md
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def renamed_article(source: Path, folder: Path) -> Path:
    """``source`` under a new title and file name (a new document and conflict)."""
    lines = source.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("title: "):
            lines[i] = f"{line} (added)"
            break
    out = folder / "added" / "added_article.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def add_once(store: Path, article: Path, scratch: Path, profile: Path | None = None) -> float:
    """Seconds of ``kg build ARTICLE`` into a fresh copy of ``store``."""
    copy = scratch / "store"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store, copy)
    env = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH="1600000000")
    prefix = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "kg"] if profile else [sys.executable, "-m", "kg"]
    started = time.perf_counter()
    subprocess.run([*prefix, "--store", str(copy), "build", str(article)], check=True, cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--article", type=Path, required=True, help="a corpus file, added under a new title")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-add-one-") as tmp:
        scratch = Path(tmp)
        article = renamed_article(args.article, scratch)
        times = [add_once(args.store, article, scratch) for _ in range(args.repeat)]
        print(f"add one article: median {statistics.median(times):.2f} s of {[round(t, 2) for t in times]}")
        if args.profile:
            add_once(args.store, article, scratch, args.profile)
            print(f"profile: {args.profile}")


if __name__ == "__main__":
    main()
