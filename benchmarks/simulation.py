"""Benchmark the feedback-loop simulation at the scale the course promises.

Target (issue 4): 10,000 users x 2,000 items x 100 steps, the recommender retrained every step,
in under 60 s on a 2-core machine and under 2 GB of memory. The world is a news world (issue
11): the 2,000 stories are published over the 100 steps and each can be read for ``--lifetime``
steps (default 10), so fresh stories keep arriving; ``--fixed`` gives the old fixed catalogue,
where the head of every list is used up. Besides time and memory it prints the *cumulative*
utility (the users' satisfaction per step, averaged over the run, and as a share of the oracle's
over the run) next to the final step's relative utility, and homogenization.

Each recommender runs in a fresh process so that its peak memory (max resident set size) is its
own. The script prints wall-clock and CPU seconds: on a machine shared with other jobs the wall
clock mostly measures the others.
The children use one BLAS thread (``OPENBLAS_NUM_THREADS=1`` unless you set it): the
simulation's matrix products are small, and extra BLAS threads only add spinning CPU time.

    .venv/bin/python benchmarks/simulation.py                 # controls, popularity, content, mf
    .venv/bin/python benchmarks/simulation.py mf --steps 20   # one recommender, fewer steps
    .venv/bin/python benchmarks/simulation.py --quick         # the playground's 300 x 200 x 20
    .venv/bin/python benchmarks/simulation.py --fixed         # a fixed catalogue (no news)
    .venv/bin/python benchmarks/simulation.py --seeds 0 1 2   # several seeds, with intervals
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


def one(name: str, n_users: int, n_items: int, steps: int, lifetime: int | None,
        seed: int) -> dict:
    from course import simulation as sim

    start, cpu = time.perf_counter(), time.process_time()
    news = {} if lifetime is None else {"lifetime": lifetime, "horizon": steps}
    world = sim.make_world(n_users=n_users, n_items=n_items, seed=seed, **news)
    rec = sim.make_recommender(name, world, seed=seed)
    result = sim.run(world, rec, steps=steps, seed=seed, progress=False)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2  # KiB -> GiB
    card = result.summary()
    return {"recommender": name, "seed": seed, "users": n_users, "items": n_items,
            "steps": steps, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "peak_GiB": round(peak, 3),
            "catalogue": int(result.metrics["catalogue"].mean()),
            "homogenization": round(float(card["homogenization"]), 4),
            "utility": round(float(card["satisfaction"]), 4),
            "cumulative_relative": round(float(card["cumulative_relative_utility"]), 4),
            "final_relative": round(float(card["final_relative_utility"]), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recommenders", nargs="*",
                        default=["random", "chronological", "popularity", "content", "mf"])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--lifetime", type=int, default=10,
                        help="steps a story stays readable (news world)")
    parser.add_argument("--fixed", action="store_true",
                        help="a fixed catalogue instead of a news world")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--quick", action="store_true", help="300 users x 200 items x 20 steps")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.users, args.items, args.steps = 300, 200, 20
    lifetime = None if args.fixed else args.lifetime
    if args.child:
        print(json.dumps(one(args.recommenders[0], args.users, args.items, args.steps, lifetime,
                             args.seeds[0])))
        return
    load = os.getloadavg()[0]
    world = "a fixed catalogue" if lifetime is None else (
        f"a news world (stories readable for {lifetime} steps)")
    print(f"{args.users} users x {args.items} items x {args.steps} steps, {world}; seeds "
          f"{args.seeds}")
    print(f"load average before: {load:.2f} on {os.cpu_count()} CPUs (wall time suffers when "
          "the machine is shared; CPU time much less)")
    # (key, width, decimals or None for text/integers, title)
    columns = [("recommender", 14, None, "recommender"), ("seed", 5, None, "seed"),
               ("seconds", 8, 2, "wall s"), ("cpu_seconds", 8, 2, "CPU s"),
               ("peak_GiB", 9, 3, "peak GiB"), ("catalogue", 10, None, "available"),
               ("homogenization", 8, 3, "homog."), ("utility", 9, 3, "utility"),
               ("cumulative_relative", 11, 3, "cum. rel."),
               ("final_relative", 11, 3, "final rel.")]

    def cell(value, width, decimals):
        if isinstance(value, str):
            return f"{value:<{width}}"
        return f"{value:>{width}.{decimals}f}" if decimals is not None else f"{value:>{width}}"

    print("".join(f"{title:<{w}}" if key == "recommender" else f"{title:>{w}}"
                  for key, w, _, title in columns))
    rows = []
    for seed in args.seeds:
        for name in args.recommenders:
            env = {**os.environ,
                   "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
            command = [sys.executable, __file__, name, "--child", "--users", str(args.users),
                       "--items", str(args.items), "--steps", str(args.steps), "--seeds",
                       str(seed), "--lifetime", str(args.lifetime)]
            if args.fixed:
                command.append("--fixed")
            out = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
            if out.returncode:
                print(f"{name:<14} failed: {out.stderr.strip().splitlines()[-1]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(r)
            print("".join(cell(r[key], w, d) for key, w, d, _ in columns), flush=True)
    import pandas as pd

    from course import replication

    table = pd.DataFrame(rows)
    if len(args.seeds) > 1 and rows:
        long = table.melt(id_vars=["recommender", "seed"],
                          value_vars=["utility", "cumulative_relative", "final_relative",
                                      "homogenization"], var_name="metric")
        print("\nmean over seeds with 95% t intervals:")
        print(replication.summarize(long, by=["recommender", "metric"]).round(4)
              .to_string(index=False))
    if rows and {"mf", "random"} <= set(table["recommender"]):
        wide = table.pivot(index="seed", columns="recommender", values="utility")
        gap = wide["mf"] - wide["random"]
        verdict = "beats" if (gap > 0).all() else "does NOT beat"
        print(f"\ncumulative utility, mf - random, per seed: {gap.round(4).tolist()}: "
              f"mf {verdict} random in every seed")


if __name__ == "__main__":
    main()
