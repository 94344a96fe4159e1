#!/usr/bin/python3
"""make bench: generate, import both ways, measure the floor, the questions and Kuzu.

    bench/run.py --build build-bench --scales 100000,1000000,10000000

Prints a table and writes bench/results/latest.json. Every figure is measured in this run;
nothing is carried over from an earlier one except the generated data (bench/data/N-SEED,
regenerated when missing). Peak memory is each child process's own maximum resident set
(wait4's ru_maxrss). See docs/performance.md.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def timed(cmd):
    """Runs cmd; returns (seconds, max RSS bytes, stdout text). Exits on failure."""
    t = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            fd = os.open(os.path.join(WORK, "child.out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            fd2 = os.open(os.path.join(WORK, "child.err"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd2, 2)
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - t
    with open(os.path.join(WORK, "child.out")) as f:
        out = f.read()
    if status != 0:
        with open(os.path.join(WORK, "child.err")) as f:
            err = f.read()
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{err[-3000:]}")
    return seconds, usage.ru_maxrss * 1024, out


def dir_bytes(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


# The peers asked the same questions (bench/peers): their npm packages.
PEERS = {"kuzu": "kuzu", "duckdb": "@duckdb/node-api"}


def peer_missing(package):
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not os.path.isdir(os.path.join(HERE, "peers", "node_modules", package)):
        return f"the npm package {package} is not installed (cd bench/peers && npm install)"
    return None


def fmt_rate(x):
    if x is None:
        return "-"
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    if x >= 1e3:
        return f"{x / 1e3:.0f}k"
    return f"{x:.0f}"


def fmt_bytes(x):
    if x is None:
        return "-"
    for unit in ["B", "KiB", "MiB", "GiB"]:
        if x < 1024 or unit == "GiB":
            return f"{x:.0f} {unit}" if unit == "B" else f"{x:.1f} {unit}"
        x /= 1024


def fmt_us(x):
    if x is None:
        return "-"
    if x >= 1e6:
        return f"{x / 1e6:.2f} s"
    if x >= 1e3:
        return f"{x / 1e3:.1f} ms"
    return f"{x:.1f} µs"


AS_OF_QUESTIONS = ["lookup_key", "neighbors_at", "neighbors_records_at", "hop2", "q_1hop", "q_2hop"]


def record_time(entente, bench, db, jsonl, manifest, work, samples):
    """Record time (docs/history.md): a correction of a tenth of the Person, Event and Visit
    nodes (renamed) imported as commit 2, then the questions as of commit 1 against the
    present, on the same database."""
    print("bench: record time: a correction, then reads as of commit 1", flush=True)
    fix = os.path.join(work, "correction.jsonl")
    renamed = 0
    with open(jsonl) as src, open(fix, "w") as out:
        for i, line in enumerate(src):
            if not line.startswith('{"node"') or i % 10:
                continue
            o = json.loads(line)
            if o["node"] not in ("Person", "Event", "Visit"):
                continue
            o["name"] = (o.get("name") or o["key"]) + " (corrected)"
            out.write(json.dumps(o, separators=(",", ":")) + "\n")
            renamed += 1
    secs, _, _ = timed([entente, "import", "-q", "--db", db, "-m", "correction", fix])
    only = ",".join(AS_OF_QUESTIONS)
    runs = {}
    for label, extra in (("present", []), ("as_of_1", ["--as-of", "#1"])):
        _, _, out = timed([bench, "queries", "--db", db, "--manifest", manifest, "--only", only,
                           "--samples", str(samples), "--cold", "1"] + extra)
        runs[label] = json.loads(out)
    ratios = {}
    for q in AS_OF_QUESTIONS:
        p, a = runs["present"].get(q, {}).get("warm"), runs["as_of_1"].get(q, {}).get("warm")
        if p and a and p["median_us"] > 0:
            ratios[q] = a["median_us"] / p["median_us"]
    return {"renamed": renamed, "correction_seconds": secs, "present": runs["present"], "as_of_1": runs["as_of_1"],
            "as_of_ratio": ratios, "worst_as_of_ratio": max(ratios.values()) if ratios else None}


def main():
    global WORK
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--scales", default="100000,1000000,10000000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--cold", type=int, default=10)
    ap.add_argument("--peers", default="auto", choices=["auto", "off"], help="compare with Kuzu and DuckDB (bench/peers)")
    ap.add_argument("--skip-transactional-above", type=int, default=0,
                    help="leave the transactional import out above this many records (0: never)")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "latest.json"))
    ap.add_argument("--table", metavar="RESULTS_JSON", help="only print the table of an earlier run (Markdown)")
    args = ap.parse_args()
    if args.table:
        print_table(json.load(open(args.table)), markdown=True)
        return

    WORK = os.path.join(HERE, "work")
    os.makedirs(WORK, exist_ok=True)
    entente = os.path.join(args.build, "tools", "entente")
    gen = os.path.join(args.build, "bench", "entente-gen")
    bench = os.path.join(args.build, "bench", "entente-bench")
    missing = {peer: peer_missing(pkg) if args.peers == "auto" else "turned off (--peers off)"
               for peer, pkg in PEERS.items()}
    for peer, why in missing.items():
        if why:
            print(f"bench: the {peer} comparison is skipped: {why}", flush=True)

    def version(pkg):
        return json.load(open(os.path.join(HERE, "peers", "node_modules", pkg, "package.json")))["version"]

    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "memory_bytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
            "kernel": platform.release(),
            "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
        },
        "seed": args.seed,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "peers": {peer: None if missing[peer] else f"{pkg} (npm) {version(pkg)}" for peer, pkg in PEERS.items()},
        "peers_skipped": missing,
        "scales": {},
    }

    for n in [int(float(s)) for s in args.scales.split(",") if s]:
        r = {}
        data = os.path.join(HERE, "data", f"{n}-{args.seed}")
        if not os.path.exists(os.path.join(data, "manifest.json")):
            print(f"bench: generating {n} records into {data}", flush=True)
            secs, _, _ = timed([gen, "--records", str(n), "--seed", str(args.seed), "--out", data])
            r["generate_seconds"] = secs
        manifest = json.load(open(os.path.join(data, "manifest.json")))
        jsonl = os.path.join(data, "graph.jsonl")
        r["input_bytes"] = os.path.getsize(jsonl)
        work = os.path.join(WORK, str(n))
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)

        print(f"bench: {n} records: bulk import", flush=True)
        bulk_db = os.path.join(work, "bulk.db")
        secs, rss, _ = timed([entente, "import", "--bulk", "-q", "--db", bulk_db, jsonl])
        r["bulk"] = {"seconds": secs, "records_per_s": n / secs, "peak_rss_bytes": rss, "db_bytes": dir_bytes(bulk_db)}

        if args.skip_transactional_above and n > args.skip_transactional_above:
            r["transactional"] = None
        else:
            print(f"bench: {n} records: transactional import", flush=True)
            txn_db = os.path.join(work, "txn.db")
            secs, rss, _ = timed([entente, "import", "-q", "--db", txn_db, jsonl])
            r["transactional"] = {"seconds": secs, "records_per_s": n / secs, "peak_rss_bytes": rss,
                                  "db_bytes": dir_bytes(txn_db)}
            r["record_time"] = record_time(entente, bench, txn_db, jsonl, os.path.join(data, "manifest.json"), work,
                                           args.samples)
            shutil.rmtree(txn_db, ignore_errors=True)

        print(f"bench: {n} records: storage floor", flush=True)
        _, _, out = timed([bench, "floor", "--like", bulk_db, "--dir", os.path.join(work, "floor")])
        fl = json.loads(out)
        fl["batch_records_per_s"] = n / fl["batch_seconds"]
        fl["sst_records_per_s"] = n / fl["sst_seconds"]
        r["floor"] = fl
        if r["transactional"]:
            r["transactional"]["ratio_to_floor"] = fl["batch_seconds"] / r["transactional"]["seconds"]
        r["bulk"]["ratio_to_floor"] = fl["sst_seconds"] / r["bulk"]["seconds"]

        print(f"bench: {n} records: queries", flush=True)
        _, _, out = timed([bench, "queries", "--db", bulk_db, "--manifest", os.path.join(data, "manifest.json"),
                           "--samples", str(args.samples), "--cold", str(args.cold)])
        r["queries"] = json.loads(out)

        for peer in PEERS:
            if missing[peer]:
                continue
            print(f"bench: {n} records: {peer}", flush=True)
            pdb = os.path.join(work, f"{peer}.db")
            script = os.path.join(HERE, "peers", f"{peer}.mjs")
            secs, rss, out = timed(["node", script, "load", pdb, os.path.join(data, "csv")])
            k = json.loads(out)
            k["records_per_s"] = n / k["copy_seconds"]
            k["peak_rss_bytes"] = rss
            _, _, out = timed(["node", script, "queries", pdb, os.path.join(data, "manifest.json"),
                               str(args.samples), str(args.cold)])
            k["queries"] = json.loads(out)
            r[peer] = k
            shutil.rmtree(pdb, ignore_errors=True)
            if os.path.exists(pdb):
                os.remove(pdb)
        shutil.rmtree(work, ignore_errors=True)
        results["scales"][str(n)] = r
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)
        print_table(results)


def print_table(results, markdown=False):
    scales = list(results["scales"].keys())
    rows = []

    def get(r, *path):
        for p in path:
            if r is None or p not in r or r[p] is None:
                return None
            r = r[p]
        return r

    def row(label, fn):
        rows.append([label] + [fn(results["scales"][s]) for s in scales])

    row("records", lambda r: f"{int(next(k for k, v in results['scales'].items() if v is r)):,}")
    row("bulk import, records/s", lambda r: fmt_rate(get(r, "bulk", "records_per_s")))
    row("as of commit 1 / present, worst median (record time)",
        lambda r: "-" if get(r, "record_time", "worst_as_of_ratio") is None
        else f"{get(r, 'record_time', 'worst_as_of_ratio'):.2f}")
    row("  ratio to SST floor", lambda r: f"{get(r, 'bulk', 'ratio_to_floor'):.2f}")
    row("  peak RSS", lambda r: fmt_bytes(get(r, "bulk", "peak_rss_bytes")))
    row("transactional import, records/s", lambda r: fmt_rate(get(r, "transactional", "records_per_s")))
    row("  ratio to WriteBatch floor", lambda r: "-" if not r["transactional"] else f"{r['transactional']['ratio_to_floor']:.2f}")
    row("  peak RSS", lambda r: fmt_bytes(get(r, "transactional", "peak_rss_bytes")))
    row("floor WriteBatch, records/s", lambda r: fmt_rate(get(r, "floor", "batch_records_per_s")))
    row("floor SST, records/s", lambda r: fmt_rate(get(r, "floor", "sst_records_per_s")))
    row("DB size (bulk)", lambda r: fmt_bytes(get(r, "bulk", "db_bytes")))
    for peer in PEERS:
        row(f"{peer} COPY, records/s (bulk import's ratio)", lambda r, p=peer: "-" if get(r, p, "records_per_s") is None else
            f"{fmt_rate(get(r, p, 'records_per_s'))} ({get(r, 'bulk', 'records_per_s') / get(r, p, 'records_per_s'):.2f}x)")
        row(f"  {peer} peak RSS", lambda r, p=peer: fmt_bytes(get(r, p, "peak_rss_bytes")))
        row(f"  {peer} DB size", lambda r, p=peer: fmt_bytes(get(r, p, "db_bytes")))
    def ratio(r, peer, q, stat):
        theirs, ours = get(r, peer, "queries", q, "warm", stat), get(r, "queries", q, "warm", stat)
        if theirs is None or ours is None:
            return "-"
        return f"{fmt_us(theirs)} ({theirs / ours:.1f}x)"

    for q in ["lookup_key", "lookup_name", "neighbors_at", "neighbors_records_at", "allies", "hop2", "query_2hop", "hop3", "shortest_path", "blocs",
              "q_1hop", "q_2hop", "q_reach4", "q_shortest_path"]:
        row(f"{q} warm median / p90", lambda r, q=q: f"{fmt_us(get(r, 'queries', q, 'warm', 'median_us'))} / {fmt_us(get(r, 'queries', q, 'warm', 'p90_us'))}")
        row(f"  cold median", lambda r, q=q: fmt_us(get(r, "queries", q, "cold", "median_us")))
        for peer in PEERS:
            row(f"  {peer} warm median / p90 (ratio)", lambda r, q=q, p=peer: f"{ratio(r, p, q, 'median_us')} / {ratio(r, p, q, 'p90_us')}")
    row("topology build, edge directions/s", lambda r: fmt_rate(get(r, "queries", "topology", "arcs_per_s")))
    row("  topology bytes / edge direction", lambda r: "-" if get(r, "queries", "topology") is None else f"{r['queries']['topology']['bytes_per_arc']:.1f}")
    row("projection build, edges/s", lambda r: fmt_rate(get(r, "queries", "projection", "edges_per_s")))
    row("BFS projection / plain CSR", lambda r: "-" if get(r, "queries", "bfs") is None else f"{r['queries']['bfs']['ratio']:.2f}")
    if markdown:
        print("| " + " | ".join(str(c) for c in rows[0]) + " |")
        print("|" + "---|" * len(rows[0]))
        for x in rows[1:]:
            print("| " + " | ".join(str(c) for c in x) + " |")
        return
    widths = [max(len(str(x[i])) for x in rows) for i in range(len(rows[0]))]
    for x in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(x, widths)))
    sys.stdout.flush()


WORK = None
if __name__ == "__main__":
    main()
