"""How fast does the playground respond to a knob? (issue 5's targets: 150 ms for the list view,
1 s for the simulation view, median over repeated changes, measured in the kernel).

Builds the playground widget exactly as notebook 06 and the Voila app do, then moves its knobs
one after another through the widget (``control.value = ...``, which runs the same callback as
a slider released in the browser) and reports the time each view took to recompute and redraw
(the PNG the browser receives). Batch mode makes the updates run at once, on this thread, so the
figures are the work done per change.

Run:  .venv/bin/python benchmarks/playground.py [--changes 20] [--algorithms content mf]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("COURSE_BATCH_RUN", "1")     # updates run synchronously, no timers
os.environ.setdefault("MPLBACKEND", "Agg")

from course.playground import DEFAULT_ALGORITHM, Playground  # noqa: E402

LIST_TARGET, SIMULATION_TARGET = 0.150, 1.0
# A learner's session: each change moves one knob to a new position.
MOVES = [("diversity", 0.5), ("calibration", 0.4), ("quota", 0.3), ("exploration", 0.2),
         ("blend", 0.6), ("diversity", 0.1), ("explore", "ucb"), ("calibration", 0.0),
         ("quota", 0.5), ("blend", 0.2), ("exploration", 0.05), ("explore", "epsilon"),
         ("diversity", 0.8), ("quota", 0.0), ("blend", 0.0), ("calibration", 0.7)]


def measure(algorithm: str, changes: int) -> dict[str, list[float]]:
    start = time.perf_counter()
    pg = Playground(algorithm)
    pg.widget()                                   # first view (baseline run) computed here
    print(f"{algorithm}: first view in {time.perf_counter() - start:.2f} s")
    knobs = pg._ui["knobs"]
    pg.timings = {"list": [], "simulation": []}
    for i in range(changes):
        name, value = MOVES[i % len(MOVES)]
        knobs[name].value = value
    return pg.timings


def summary(name: str, seconds: list[float], target: float) -> str:
    median = statistics.median(seconds)
    p90 = sorted(seconds)[int(0.9 * (len(seconds) - 1))]
    verdict = "meets" if median <= target else "MISSES"
    return (f"  {name:10s} median {1000 * median:6.0f} ms   p90 {1000 * p90:6.0f} ms   "
            f"max {1000 * max(seconds):6.0f} ms   (n={len(seconds)}; {verdict} the "
            f"{1000 * target:.0f} ms target)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20, help="knob changes per algorithm")
    parser.add_argument("--algorithms", nargs="+", default=[DEFAULT_ALGORITHM])
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}")
    for algorithm in args.algorithms:
        timings = measure(algorithm, args.changes)
        print(summary("list view", timings["list"], LIST_TARGET))
        print(summary("simulation", timings["simulation"], SIMULATION_TARGET))


if __name__ == "__main__":
    main()
