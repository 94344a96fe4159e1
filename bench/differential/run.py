#!/usr/bin/python3
"""The differential test of the query language against Kùzu (npm kuzu@0.11.3).

Outside `make test`, since it needs Node.js and npm. It generates a small synthetic graph
with entente-gen, imports it into entente (`entente import --bulk`) and into Kùzu (COPY FROM
its CSV, bench/peers/kuzu.mjs), then puts each question below to both, written in each
system's dialect, and compares the answers: rows as multisets, or in order when the
question sorts them; numbers compared to nine significant digits.

    bench/differential/run.py --build build [--records 20000] [--work /tmp/entente-diff]

Exit status 0 when every answer agrees, 1 otherwise. The questions exercise the clauses of
docs/query.md that Kùzu also has (UNION, CASE, EXISTS and COUNT subqueries, list
comprehensions against Kùzu's list_filter/list_transform, reduce against list_reduce,
collect(DISTINCT), OPTIONAL MATCH, WITH ... WHERE, string and math functions). CALL
subqueries, pattern comprehensions and map projections have no Kùzu form.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PEERS = os.path.join(ROOT, "bench", "peers")

# (name, entente, kuzu, ordered)
QUESTIONS = [
    ("union",
     "MATCH (s:State) WHERE s.key < 'S010' RETURN s.key AS k UNION MATCH (v:Visit)-[:HOST]->(s:State {key: 'S001'}) RETURN v.city AS k",
     "MATCH (s:State) WHERE s.key < 'S010' RETURN s.key AS k UNION MATCH (v:Visit)-[:HOST]->(s:State {key: 'S001'}) RETURN v.city AS k",
     False),
    ("union_all",
     "MATCH (s:State) WHERE s.key < 'S005' RETURN s.key AS k UNION ALL MATCH (s:State) WHERE s.key < 'S003' RETURN s.key AS k",
     "MATCH (s:State) WHERE s.key < 'S005' RETURN s.key AS k UNION ALL MATCH (s:State) WHERE s.key < 'S003' RETURN s.key AS k",
     False),
    ("case_generic",
     "MATCH (v:Visit) RETURN CASE WHEN v.start < date('1980-01-01') THEN 'early' WHEN v.start < date('2000-01-01') THEN 'middle' ELSE 'late' END AS era, count(*) AS n",
     "MATCH (v:Visit) RETURN CASE WHEN v.start < date('1980-01-01') THEN 'early' WHEN v.start < date('2000-01-01') THEN 'middle' ELSE 'late' END AS era, count(*) AS n",
     False),
    ("case_simple",
     "MATCH (v:Visit) RETURN CASE v.kind WHEN 'state visit' THEN 1 WHEN 'official visit' THEN 2 ELSE 0 END AS k, count(*) AS n",
     "MATCH (v:Visit) RETURN CASE v.kind WHEN 'state visit' THEN 1 WHEN 'official visit' THEN 2 ELSE 0 END AS k, count(*) AS n",
     False),
    ("exists_subquery",
     "MATCH (s:State) WHERE EXISTS { (s)<-[:HOST]-(:Visit) } RETURN count(*) AS n",
     "MATCH (s:State) WHERE EXISTS { MATCH (s)<-[:HOST]-(:Visit) } RETURN count(*) AS n",
     False),
    ("not_exists_subquery",
     "MATCH (p:Person) WHERE NOT EXISTS { MATCH (p)<-[:VISITOR]-(v:Visit) WHERE v.start >= date('2000-01-01') } RETURN count(*) AS n",
     "MATCH (p:Person) WHERE NOT EXISTS { MATCH (p)<-[:VISITOR]-(v:Visit) WHERE v.start >= date('2000-01-01') } RETURN count(*) AS n",
     False),
    ("count_subquery",
     "MATCH (s:State) WHERE s.key < 'S030' RETURN s.key, COUNT { (s)<-[:HOST]-(:Visit) } AS visits ORDER BY s.key",
     "MATCH (s:State) WHERE s.key < 'S030' RETURN s.key, COUNT { MATCH (s)<-[:HOST]-(:Visit) } AS visits ORDER BY s.key",
     True),
    ("count_subquery_filter",
     "MATCH (s:State) WITH s, COUNT { (s)<-[:HOST]-(:Visit) } AS visits WHERE visits > 3 RETURN count(*) AS n, sum(visits) AS total",
     "MATCH (s:State) WITH s, COUNT { MATCH (s)<-[:HOST]-(:Visit) } AS visits WHERE visits > 3 RETURN count(*) AS n, sum(visits) AS total",
     False),
    ("list_comprehension",
     "RETURN [x IN range(1, 20) WHERE x % 3 = 0 | x * x] AS l",
     "RETURN list_transform(list_filter(range(1, 20), x -> x % 3 = 0), x -> x * x) AS l",
     False),
    ("reduce",
     "UNWIND range(1, 5) AS n RETURN n, reduce(acc = 0, x IN range(1, n) | acc + x) AS s ORDER BY n",
     "UNWIND range(1, 5) AS n RETURN n, list_reduce(range(1, n), (acc, x) -> acc + x) AS s ORDER BY n",
     True),
    ("collect_distinct",
     "MATCH (v:Visit)-[:HOST]->(s:State) WHERE s.key < 'S020' WITH s, collect(DISTINCT v.kind) AS kinds RETURN s.key, size(kinds) AS n ORDER BY s.key",
     "MATCH (v:Visit)-[:HOST]->(s:State) WHERE s.key < 'S020' WITH s, collect(DISTINCT v.kind) AS kinds RETURN s.key, size(kinds) AS n ORDER BY s.key",
     True),
    ("optional_match_count",
     "MATCH (p:Person) WHERE p.key < 'p30' OPTIONAL MATCH (v:Visit)-[:VISITOR]->(p) RETURN p.key, count(v) AS visits ORDER BY p.key",
     "MATCH (p:Person) WHERE p.key < 'p30' OPTIONAL MATCH (v:Visit)-[:VISITOR]->(p) RETURN p.key, count(v) AS visits ORDER BY p.key",
     True),
    ("with_where",
     "MATCH (v:Visit)-[:HOST]->(s:State) WITH s, count(*) AS n WHERE n >= 5 RETURN count(*) AS states",
     "MATCH (v:Visit)-[:HOST]->(s:State) WITH s, count(*) AS n WHERE n >= 5 RETURN count(*) AS states",
     False),
    ("strings",
     "MATCH (s:State) WHERE s.key < 'S005' RETURN s.key, toLower(s.key), left(s.key, 2), right(s.key, 2), reverse(s.key), size(s.name), substring(s.name, 0, 3) ORDER BY s.key",
     "MATCH (s:State) WHERE s.key < 'S005' RETURN s.key, lower(s.key), left(s.key, 2), right(s.key, 2), reverse(s.key), size(s.name), substring(s.name, 1, 3) ORDER BY s.key",
     True),
    ("math",
     "RETURN floor(2.7), ceil(2.1), abs(-3), sign(-5), sqrt(16.0), round(2.567, 2), 7 % 3, 2 ^ 10",
     "RETURN floor(2.7), ceil(2.1), abs(-3), sign(-5), sqrt(16.0), round(2.567, 2), 7 % 3, 2 ^ 10",
     False),
    ("aggregates",
     "MATCH (v:Visit)-[:HOST]->(s:State) WITH s, count(*) AS n RETURN min(n), max(n), sum(n), avg(n), count(DISTINCT n)",
     "MATCH (v:Visit)-[:HOST]->(s:State) WITH s, count(*) AS n RETURN min(n), max(n), sum(n), avg(n), count(DISTINCT n)",
     False),
    ("coalesce_nulls",
     "MATCH (t:Treaty) RETURN count(valid_to(t)) AS ended, count(*) AS treaties, count(coalesce(valid_to(t), date('2100-01-01'))) AS filled",
     "MATCH (t:Treaty) RETURN count(t.valid_to) AS ended, count(*) AS treaties, count(coalesce(t.valid_to, date('2100-01-01'))) AS filled",
     False),
]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def norm(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return str(v)
        f = float(v)
        return float(f"{f:.9g}")
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in sorted(v.items())}
    return v


def key(row):
    return json.dumps(row, sort_keys=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--work", default="/tmp/entente-differential")
    args = ap.parse_args()
    if not shutil.which("node") or not shutil.which("npm"):
        print("differential: Node.js and npm are needed (apt-get install nodejs npm)")
        return 2
    if not os.path.isdir(os.path.join(PEERS, "node_modules", "kuzu")):
        run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=PEERS)
    entente = os.path.join(ROOT, args.build, "tools", "entente")
    gen = os.path.join(ROOT, args.build, "bench", "entente-gen")
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    data = os.path.join(args.work, "data")
    run([gen, "--records", str(args.records), "--seed", "3", "--out", data])
    edb = os.path.join(args.work, "entente.db")
    run([entente, "import", "--bulk", "--db", edb, os.path.join(data, "graph.jsonl")])
    kdb = os.path.join(args.work, "kuzu.db")
    run(["node", os.path.join(PEERS, "kuzu.mjs"), "load", kdb, os.path.join(data, "csv")], cwd=PEERS)
    qfile = os.path.join(args.work, "queries.json")
    with open(qfile, "w") as f:
        json.dump([{"name": n, "kuzu": k} for n, _, k, _ in QUESTIONS], f)
    # kuzu_run.mjs imports "kuzu" from bench/peers/node_modules: run it from there.
    shutil.copy(os.path.join(HERE, "kuzu_run.mjs"), os.path.join(PEERS, ".differential_run.mjs"))
    try:
        kuzu = json.loads(run(["node", ".differential_run.mjs", kdb, qfile], cwd=PEERS).stdout)
    finally:
        os.remove(os.path.join(PEERS, ".differential_run.mjs"))
    failed = 0
    for name, eq, _, ordered in QUESTIONS:
        r = subprocess.run([entente, "query", "--db", edb, "--format", "json", eq], capture_output=True, text=True)
        k = kuzu.get(name)
        if r.returncode != 0:
            print(f"FAIL {name}: entente: {r.stderr.strip()}")
            failed += 1
            continue
        if isinstance(k, dict) and "error" in k:
            print(f"FAIL {name}: kuzu: {k['error']}")
            failed += 1
            continue
        ours = [norm(list(row.values())) for row in json.loads(r.stdout)]
        theirs = [norm(row) for row in k]
        if not ordered:
            ours, theirs = sorted(ours, key=key), sorted(theirs, key=key)
        if ours == theirs:
            print(f"ok   {name} ({len(ours)} rows)")
        else:
            failed += 1
            print(f"FAIL {name}:\n  entente {ours[:10]}\n  kuzu    {theirs[:10]}")
    print(f"{len(QUESTIONS) - failed} of {len(QUESTIONS)} questions agree")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
