"""Hostile links and texts at scale, through AppTest: prints how many of each failed (the target is 0).

    python bench/hostile.py [--links 1000] [--texts 1000] [--forged 1000] [--seed 0]

Links come from harness/hostile.py (the same strategy the test suite runs a few dozen of): any setting,
`text` or unknown key, with huge, negative, NaN, inf, 10,000-character, HTML or Markdown values, keys
repeated. Texts come from harness/hostile.py's strategy (any Unicode, empty, 150,000 characters,
punctuation only, one word repeated), pasted into the text box. Forged values are what a websocket client
can send instead of a browser (harness/hostile.py `forgeries`): any view, then 1-3 widgets given any value of
their own type (an option not offered, an empty selection, NaN, 1e308, a cleared value). A failure is an
exception, or a setting outside its documented range; the first few are printed. One process, no server; exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from harness import hostile  # noqa: E402


def run(name: str, strategy, check, n: int, seed: int) -> tuple[int, list[str]]:
    """Check `n` examples drawn by Hypothesis (no shrinking: every failure is counted, not minimised)."""
    count, failures = [0], []

    @settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate], derandomize=False,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(example=strategy)
    def probe(example) -> None:
        count[0] += 1
        try:
            found = check(example)
        except Exception as error:  # the harness itself failed on this example: count it too
            found = [f"{type(error).__name__}: {error}"]
        if found:
            failures.append(f"{name} {str(example)[:120]!r}: {found}")

    probe._hypothesis_internal_use_seed = seed  # reproducible runs: --seed
    probe()
    return count[0], failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--forged", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for name, strategy, check, n in (
        ("link", hostile.links(), hostile.check_link, args.links),
        ("text", hostile.texts, hostile.check_text, args.texts),
        ("forged value", hostile.forgeries(), hostile.check_forged, args.forged),
    ):
        if n <= 0:
            continue
        t0 = time.perf_counter()
        count, failures = run(name, strategy, check, n, args.seed)
        print(f"{name}s: {count} examples, {len(failures)} failures, {time.perf_counter() - t0:.0f} s")
        for failure in failures[:10]:
            print(f"  {failure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
