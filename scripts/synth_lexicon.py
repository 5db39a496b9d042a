#!/usr/bin/env python3
"""Write a synthetic .tema lexicon with N realistic-looking rules (default 20,000).

For the speed test of issue 4: does matching slow down with lexicon size? The words are
generated, Norwegian-like (syllables of Bokmål/Nynorsk spelling, with æ ø å), so they
exercise folding, compounds, inflection and the typo index like real terms do, but they
almost never occur in real answers: the synthetic lexicon measures the cost of size, not
of more hits. Rules are spread over 18 themes in this mix (of rules):

    45 % plain word            kvelandsak
    20 % prefix*               tolvåring*
    12 % *suffix               *fjeldeving
     8 % *infix*               *straumel*
     5 % a|b|c alternatives    vintekar|vintekær*
     7 % phrase of 2-3 words   saldrin ~2 haukestad*
     3 % case-sensitive        =KVX

The themes reuse nothing from the default lexicon. Same seed, same file.

    python3 scripts/synth_lexicon.py [--terms 20000] [--seed 1] [--out /tmp/bench/synth_20000.tema]
"""
import argparse
import random

ONSETS = ["b", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v",
          "bl", "br", "fl", "fr", "gl", "gr", "kl", "kr", "kv", "pl", "pr", "sk", "skr",
          "sl", "sm", "sn", "sp", "st", "str", "sv", "tr", "tv", "dr", "fj", "hj", "kj", "sj"]
VOWELS = ["a", "e", "i", "o", "u", "y", "æ", "ø", "å", "ei", "au", "øy", "ie", "ai"]
CODAS = ["", "", "", "n", "r", "l", "s", "t", "k", "m", "nd", "ng", "ll", "nn", "rt",
         "st", "kk", "tt", "ld", "rd", "gg", "ft", "kt", "ns"]
ENDINGS = ["", "", "", "ing", "else", "het", "skap", "dom", "sjon", "ar", "er", "ende", "leg", "ig"]


def word(rng, syllables):
    parts = []
    for i in range(syllables):
        parts.append(rng.choice(ONSETS) if i == 0 or rng.random() < 0.7 else "")
        parts.append(rng.choice(VOWELS))
        parts.append(rng.choice(CODAS))
    w = "".join(parts) + rng.choice(ENDINGS)
    return w


def fresh(rng, seen, lo=2, hi=4):
    while True:
        w = word(rng, rng.randint(lo, hi))
        if 4 <= len(w) <= 22 and w not in seen:
            seen.add(w)
            return w


def rule(rng, seen):
    r = rng.random()
    if r < 0.45:
        return fresh(rng, seen)
    if r < 0.65:
        return fresh(rng, seen, 2, 3) + "*"
    if r < 0.77:
        return "*" + fresh(rng, seen, 2, 3)
    if r < 0.85:
        return "*" + fresh(rng, seen, 2, 3) + "*"
    if r < 0.90:
        alts = [fresh(rng, seen) + rng.choice(["", "*"]) for _ in range(rng.randint(2, 3))]
        return "|".join(alts)
    if r < 0.97:
        words = [fresh(rng, seen, 1, 3) for _ in range(rng.randint(2, 3))]
        if len(words) == 2 and rng.random() < 0.5:
            return f"{words[0]} ~{rng.randint(1, 3)} {words[1]}*"
        return " ".join(words)
    return "=" + fresh(rng, seen, 1, 2).upper().replace("Æ", "AE").replace("Ø", "OE").replace("Å", "AA")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--terms", type=int, default=20000)
    ap.add_argument("--themes", type=int, default=18)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="/tmp/bench/synth_20000.tema")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    seen = set()
    rules = [rule(rng, seen) for _ in range(a.terms)]
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(f"# synthetic lexicon: {a.terms} rules, {a.themes} themes, seed {a.seed} (scripts/synth_lexicon.py)\n")
        per = -(-a.terms // a.themes)
        for t in range(a.themes):
            chunk = rules[t * per:(t + 1) * per]
            if not chunk:
                break
            f.write(f"\ntheme   synth_{t + 1:02d}\nnb      Syntetisk {t + 1}\nnn      Syntetisk {t + 1}\n"
                    f"en      Synthetic {t + 1}\nabout   Generated words for speed tests.\n\n")
            for r in chunk:
                f.write(f"term    {r}\n")
    print(f"wrote {a.out}: {a.terms} rules in {a.themes} themes")


if __name__ == "__main__":
    main()
