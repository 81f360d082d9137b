"""Benchmark the feedback-loop simulation at the scale the course promises.

Target (issue 4): 10,000 users x 2,000 items x 100 steps, the recommender retrained every step,
in under 60 s on a 2-core machine and under 2 GB of memory. Each recommender runs in a fresh
process so that its peak memory (max resident set size) is its own. The script prints wall-clock
and CPU seconds: on a machine shared with other jobs the wall clock mostly measures the others.
The children use one BLAS thread (``OPENBLAS_NUM_THREADS=1`` unless you set it): the
simulation's matrix products are small, and extra BLAS threads only add spinning CPU time.

    .venv/bin/python benchmarks/simulation.py                 # popularity, content, mf, random
    .venv/bin/python benchmarks/simulation.py mf --steps 20   # one recommender, fewer steps
    .venv/bin/python benchmarks/simulation.py --quick         # the playground's 300 x 200 x 20
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def one(name: str, n_users: int, n_items: int, steps: int) -> dict:
    from course import simulation as sim

    start, cpu = time.perf_counter(), time.process_time()
    world = sim.make_world(n_users=n_users, n_items=n_items, seed=0)
    rec = sim.make_recommender(name, world, seed=0)
    result = sim.run(world, rec, steps=steps, seed=0, progress=False)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2  # KiB -> GiB
    last = result.metrics.iloc[-1]
    return {"recommender": name, "users": n_users, "items": n_items, "steps": steps,
            "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_GiB": round(peak, 3),
            "homogenization": round(float(last["homogenization"]), 4),
            "relative_utility": round(float(last["relative_utility"]), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recommenders", nargs="*",
                        default=["popularity", "content", "mf", "random"])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="300 users x 200 items x 20 steps")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.users, args.items, args.steps = 300, 200, 20
    if args.child:
        print(json.dumps(one(args.recommenders[0], args.users, args.items, args.steps)))
        return
    load = os.getloadavg()[0]
    print(f"load average before: {load:.2f} on {os.cpu_count()} CPUs (wall time suffers when "
          "the machine is shared; CPU time much less)")
    print(f"{'recommender':<12}{'users':>7}{'items':>7}{'steps':>7}{'wall s':>9}{'CPU s':>8}"
          f"{'peak GiB':>10}{'homog.':>8}{'rel. util.':>11}")
    for name in args.recommenders:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
        out = subprocess.run([sys.executable, __file__, name, "--child", "--users",
                              str(args.users), "--items", str(args.items), "--steps",
                              str(args.steps)], capture_output=True, text=True, check=False,
                             env=env)
        if out.returncode:
            print(f"{name:<12} failed: {out.stderr.strip().splitlines()[-1]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['recommender']:<12}{r['users']:>7}{r['items']:>7}{r['steps']:>7}"
              f"{r['seconds']:>9.2f}{r['cpu_seconds']:>8.2f}{r['peak_GiB']:>10.3f}{r['homogenization']:>8.3f}"
              f"{r['relative_utility']:>11.3f}")


if __name__ == "__main__":
    main()
