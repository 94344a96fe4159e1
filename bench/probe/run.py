#!/usr/bin/python3
"""The independent probe of the graph core's targets (bench/probe/README.md).

Installs entente from a build tree into a scratch prefix, builds bench/probe/probe.cc
against it through find_package(entente) (not the project's build), bulk-imports a
generated graph, loads the same graph into Kuzu and DuckDB, asks all three the four kinds
of question for the same samples, checks that every answer agrees, and checks the ratios:

  - every kind, median and p90: entente <= 0.5x the faster peer's latency;
  - 1-hop and 2-hop, median and p90: entente <= 0.1x Kuzu's.

  bench/probe/run.py --build build-bench --data bench/data/1000000-1 [--work DIR] [--json OUT]

Exits 0 when every answer agrees and every ratio is met, 1 otherwise (the table says which).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KINDS = ["q_1hop", "q_2hop", "q_reach4", "q_shortest_path"]


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, check=True, **kw)


def output(cmd, env=None):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"), help="entente's (Release) build tree")
    ap.add_argument("--data", default=os.path.join(ROOT, "bench", "data", "1000000-1"),
                    help="entente-gen's output: graph.jsonl and csv/")
    ap.add_argument("--work", default=None, help="scratch directory (default: a temporary one)")
    ap.add_argument("--node-modules", default=os.path.join(ROOT, "bench", "peers", "node_modules"),
                    help="where the npm packages kuzu and @duckdb/node-api are installed")
    ap.add_argument("--states", type=int, default=100, help="sample states (and as many pairs)")
    ap.add_argument("--date", default="2000-01-01")
    ap.add_argument("--json", default=None, help="write the figures here too")
    args = ap.parse_args()

    work = args.work or tempfile.mkdtemp(prefix="entente-probe-")
    os.makedirs(work, exist_ok=True)
    prefix = os.path.join(work, "prefix")
    shutil.rmtree(prefix, ignore_errors=True)

    # 1. entente, installed; the probe, built against the installed package.
    run(["cmake", "--install", args.build, "--prefix", prefix], stdout=subprocess.DEVNULL)
    pbuild = os.path.join(work, "probe-build")
    shutil.rmtree(pbuild, ignore_errors=True)
    run(["cmake", "-S", HERE, "-B", pbuild, "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_PREFIX_PATH={prefix}"],
        stdout=subprocess.DEVNULL)
    run(["cmake", "--build", pbuild, "-j2"], stdout=subprocess.DEVNULL)

    # 2. The graph: bulk-imported by the installed command.
    db = os.path.join(work, "entente.db")
    shutil.rmtree(db, ignore_errors=True)
    run([os.path.join(prefix, "bin", "entente"), "import", "--bulk", "--db", db, os.path.join(args.data, "graph.jsonl")],
        stdout=subprocess.DEVNULL)

    # 3. The samples: states spread over the generator's 200, and pairs of them.
    states = [f"S{(i * 37 + 5) % 200:03d}" for i in range(args.states)]
    # Two different states a pair: a path from a state to itself is a question the systems
    # answer differently (entente: a trail out and back through two memberships; Kuzu: none).
    pairs = [[states[i], f"S{(i * 53 + 101 + (1 if (i * 53 + 101) % 200 == (i * 37 + 5) % 200 else 0)) % 200:03d}"]
             for i in range(args.states)]
    samples = os.path.join(work, "samples.json")
    with open(samples, "w") as f:
        json.dump({"date": args.date, "states": states, "pairs": pairs}, f)

    figures = {"entente": output([os.path.join(pbuild, "entente-probe"), db, samples])}
    env = dict(os.environ, PROBE_NODE_MODULES=args.node_modules)
    for peer in ["kuzu", "duckdb"]:
        if shutil.which("node") is None or not os.path.isdir(args.node_modules):
            sys.exit(f"run.py: Node.js and {args.node_modules} (make bench installs it) are needed for the peers")
        figures[peer] = output(["node", os.path.join(HERE, "peers.mjs"), peer, work, os.path.join(args.data, "csv"), samples], env)

    # 4. Answers, then ratios.
    ok = True
    for kind in KINDS:
        a = figures["entente"][kind]["answers"]
        for peer in ["kuzu", "duckdb"]:
            b = figures[peer][kind]["answers"]
            differ = [i for i in range(len(a)) if a[i] != b[i]]
            if differ:
                ok = False
                i = differ[0]
                print(f"{kind}: entente and {peer} differ on {len(differ)} of {len(a)} samples "
                      f"(first: sample {i}, {a[i]} against {b[i]})")
    print(f"answers: {'all agree' if ok else 'DIFFER'} ({len(states)} samples a kind, on {args.date})")
    print()
    print("| kind | entente median / p90 | Kuzu median / p90 | DuckDB median / p90 | ratio to the faster peer | ratio to Kuzu | met |")
    print("|---|---|---|---|---|---|---|")
    us = lambda x: f"{x:.1f} µs" if x < 1000 else f"{x / 1000:.2f} ms"
    for kind in KINDS:
        e, k, d = (figures[s][kind] for s in ["entente", "kuzu", "duckdb"])
        met = True
        ratios, kratios = [], []
        for stat in ["median_us", "p90_us"]:
            faster = min(k[stat], d[stat])
            r = e[stat] / faster
            kr = e[stat] / k[stat]
            ratios.append(r)
            kratios.append(kr)
            met = met and r <= 0.5 and (kind not in ("q_1hop", "q_2hop") or kr <= 0.1)
        ok = ok and met
        print(f"| {kind} | {us(e['median_us'])} / {us(e['p90_us'])} | {us(k['median_us'])} / {us(k['p90_us'])} | "
              f"{us(d['median_us'])} / {us(d['p90_us'])} | {ratios[0]:.3f} / {ratios[1]:.3f} | "
              f"{kratios[0]:.3f} / {kratios[1]:.3f} | {'yes' if met else 'NO'} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=1)
    print()
    print("every target met" if ok else "a target is missed or an answer differs")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
