#!/usr/bin/env python3
"""Scores the peers' glob dictionary (../shared/bench/baseline_dict.yml) on a gold JSONL
file, with the same metrics as `tema eval`, for the README's comparison.

Matching follows ../shared/bench/baselines/dictlib.py (the Python peers): "*" = word
characters inside a token, case-insensitive, phrases = consecutive tokens.

    python3 scripts/baseline_eval.py ../shared/gold/dev.jsonl [baseline_dict.yml]
"""
import json, os, re, sys

here = os.path.dirname(os.path.abspath(__file__))
bench = os.path.join(here, "..", "..", "shared", "bench")
sys.path.insert(0, os.path.join(bench, "baselines"))
import dictlib  # noqa: E402

gold_path = sys.argv[1]
dict_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(bench, "baseline_dict.yml")
themes = dictlib.load_dict(dict_path)
regex = {t: re.compile(dictlib.theme_regex(p), re.IGNORECASE) for t, p in themes.items()}
items = [json.loads(l) for l in open(gold_path, encoding="utf-8") if l.strip()]

core = ["bolig", "nav", "tolk", "kartlegging"]
rows = []
for t in themes:
    tp = fp = fn = 0
    for it in items:
        want = t in it["labels"]
        got = bool(regex[t].search(it["text"]))
        tp += want and got
        fp += got and not want
        fn += want and not got
    p = tp / (tp + fp) if tp + fp else (1.0 if tp + fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else (1.0 if tp + fp == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    rows.append((t, p, r, f))
    print(f"{t:<22} {p:6.3f} {r:6.3f} {f:6.3f}")
mean = lambda xs: sum(xs) / len(xs)
print(f"core-4 macro-F1 {mean([f for t, p, r, f in rows if t in core]):.3f}")
print(f"18-theme macro-F1 {mean([f for t, p, r, f in rows]):.3f}")
