// The DuckDB side of make bench (optional; bench/run.py runs it when Node.js and the npm
// package @duckdb/node-api are present, its binary inside the package): the same data,
// loaded from entente-gen's CSV with COPY, and the same questions as entente-bench's in
// plain SQL (recursive common table expressions for reachability and paths), timed the same
// way as kuzu.mjs. Prints JSON.
//
//   node duckdb.mjs load DB CSV_DIR
//   node duckdb.mjs queries DB MANIFEST SAMPLES COLD
import { DuckDBInstance } from "@duckdb/node-api";
import fs from "fs";
import { dirBytes, measure, rng } from "./common.mjs";
import path from "path";

const [, , mode, dbPath, arg1, arg2, arg3] = process.argv;

const schema = [
  "CREATE TABLE State(key VARCHAR PRIMARY KEY, name VARCHAR, alias VARCHAR, valid_from DATE)",
  "CREATE TABLE Person(key VARCHAR PRIMARY KEY, name VARCHAR, born DATE)",
  "CREATE TABLE Treaty(key VARCHAR PRIMARY KEY, name VARCHAR, signed DATE, valid_from DATE, valid_to DATE, defense BOOLEAN)",
  "CREATE TABLE Agreement(key VARCHAR PRIMARY KEY, name VARCHAR, signed DATE, field VARCHAR)",
  "CREATE TABLE Visit(key VARCHAR PRIMARY KEY, name VARCHAR, start DATE, city VARCHAR, kind VARCHAR)",
  "CREATE TABLE Event(key VARCHAR PRIMARY KEY, name VARCHAR, date DATE, cameo VARCHAR, goldstein DOUBLE)",
  'CREATE TABLE HOLDS_OFFICE("from" VARCHAR, "to" VARCHAR, office VARCHAR, valid_from DATE, valid_to DATE)',
  'CREATE TABLE PARTY_TO_Treaty("from" VARCHAR, "to" VARCHAR, valid_from DATE, valid_to DATE)',
  'CREATE TABLE PARTY_TO_Agreement("from" VARCHAR, "to" VARCHAR, signed DATE)',
  'CREATE TABLE VISITOR("from" VARCHAR, "to" VARCHAR)',
  'CREATE TABLE HOST("from" VARCHAR, "to" VARCHAR)',
  'CREATE TABLE INVOLVES("from" VARCHAR, "to" VARCHAR, role VARCHAR)',
];
const tables = ["State", "Person", "Treaty", "Agreement", "Visit", "Event", "HOLDS_OFFICE", "PARTY_TO_Treaty",
                "PARTY_TO_Agreement", "VISITOR", "HOST", "INVOLVES"];
// Indexes on the relationship tables' ends, made after the load, as a DuckDB user would.
const indexes = [
  'CREATE INDEX ho_from ON HOLDS_OFFICE("from")', 'CREATE INDEX pt_from ON PARTY_TO_Treaty("from")',
  'CREATE INDEX pt_to ON PARTY_TO_Treaty("to")', 'CREATE INDEX vi_to ON VISITOR("to")', 'CREATE INDEX ho_to ON HOST("from")',
];

async function load() {
  const db = await DuckDBInstance.create(dbPath);
  const conn = await db.connect();
  for (const s of schema) await conn.run(s);
  const t0 = process.hrtime.bigint();
  for (const t of tables) await conn.run(`COPY ${t} FROM '${path.join(arg1, t + ".csv")}' (HEADER)`);
  for (const s of indexes) await conn.run(s);
  await conn.run("CHECKPOINT");
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  conn.closeSync();
  db.closeSync();
  console.log(JSON.stringify({ copy_seconds: seconds, db_bytes: dirBytes(dbPath) + dirBytes(dbPath + ".wal") }));
}

async function queries() {
  const manifest = JSON.parse(fs.readFileSync(arg1, "utf8"));
  const samples = Number(arg2), coldSamples = Number(arg3);
  const persons = manifest.nodes.Person, events = manifest.nodes.Event;
  const d = "DATE '2000-01-01'";
  const live = (r) => `(${r}.valid_from IS NULL OR ${r}.valid_from <= ${d}) AND (${r}.valid_to IS NULL OR ${r}.valid_to > ${d})`;
  const st = (i) => "S" + String(Number(i % 200n)).padStart(3, "0");
  const open = async () => {
    const db = await DuckDBInstance.create(dbPath, { access_mode: "READ_ONLY" });
    return [db, await db.connect()];
  };
  let [db, conn] = await open();
  const names = [];
  {
    const r = rng(7);
    for (let i = 0; i < 200; ++i) {
      const rows = (await conn.runAndReadAll("SELECT name FROM Person WHERE key = $k", { k: "p" + (r.next().value % BigInt(persons)) })).getRows();
      if (rows.length) names.push(rows[0][0]);
    }
  }
  // Undirected PARTY_TO arcs between states and treaties in force on the date.
  const arcs = (on) => `SELECT "from" AS a, "to" AS b FROM PARTY_TO_Treaty r ${on ? "WHERE " + live("r") : ""}
                        UNION ALL SELECT "to", "from" FROM PARTY_TO_Treaty r ${on ? "WHERE " + live("r") : ""}`;
  const shortest = (on, max) => `WITH RECURSIVE e AS (${arcs(on)}),
      reach(n, d) AS (SELECT $a, 0 UNION SELECT e.b, reach.d + 1 FROM reach JOIN e ON e.a = reach.n
                      WHERE reach.d < ${max} AND NOT EXISTS (SELECT 1 FROM reach r2 WHERE r2.n = $b))
      SELECT min(d) FROM reach WHERE n = $b`;
  const qs = {
    lookup_key: ["SELECT * FROM Event WHERE key = $k", (s) => ({ k: "e" + (s % BigInt(events)) })],
    lookup_name: ["SELECT key FROM Person WHERE name = $n", (s) => ({ n: names[Number(s % BigInt(names.length))] })],
    neighbors_at: [`SELECT r."to", r.office FROM HOLDS_OFFICE r WHERE r."from" = $k AND ${live("r")}
                    UNION ALL SELECT v."from", NULL FROM VISITOR v WHERE v."to" = $k`,
                   (s) => ({ k: "p" + (s % BigInt(persons)) })],
    allies: [`SELECT DISTINCT b."from", t.key FROM PARTY_TO_Treaty a JOIN Treaty t ON t.key = a."to"
              JOIN PARTY_TO_Treaty b ON b."to" = t.key
              WHERE a."from" = $k AND t.defense AND b."from" <> a."from" AND ${live("a")} AND ${live("b")} AND ${live("t")}`,
             (s) => ({ k: st(s) })],
    hop2: [`SELECT count(DISTINCT h."to") FROM VISITOR v JOIN HOST h ON h."from" = v."from" WHERE v."to" = $k`,
           (s) => ({ k: "p" + (s % BigInt(persons)) })],
    query_2hop: [`SELECT DISTINCT h."to" FROM VISITOR v JOIN HOST h ON h."from" = v."from" WHERE v."to" = $k`,
                 (s) => ({ k: "p" + (s % BigInt(persons)) })],
    hop3: [`SELECT count(DISTINCT t2.key) FROM PARTY_TO_Treaty a JOIN Treaty t ON t.key = a."to"
            JOIN PARTY_TO_Treaty b ON b."to" = t.key JOIN PARTY_TO_Treaty c ON c."from" = b."from"
            JOIN Treaty t2 ON t2.key = c."to"
            WHERE a."from" = $k AND b."from" <> a."from" AND ${live("a")} AND ${live("b")} AND ${live("c")}
              AND ${live("t")} AND ${live("t2")}`, (s) => ({ k: st(s) })],
    shortest_path: [shortest(false, 20), (s) => ({ a: st(s), b: st(s * 7n + 13n) })],
    q_1hop: [`SELECT t.key FROM PARTY_TO_Treaty r JOIN Treaty t ON t.key = r."to" WHERE r."from" = $k AND ${live("r")} AND ${live("t")}`,
             (s) => ({ k: st(s) })],
    q_2hop: [`SELECT DISTINCT b."from" FROM PARTY_TO_Treaty a JOIN Treaty t ON t.key = a."to" JOIN PARTY_TO_Treaty b ON b."to" = t.key
              WHERE a."from" = $k AND ${live("a")} AND ${live("b")} AND ${live("t")}`, (s) => ({ k: st(s) })],
    q_reach4: [`WITH RECURSIVE e AS (${arcs(true)}),
                reach(n, d) AS (SELECT $k, 0 UNION SELECT e.b, reach.d + 1 FROM reach JOIN e ON e.a = reach.n WHERE reach.d < 4)
                SELECT count(DISTINCT n) FROM reach WHERE d >= 1`, (s) => ({ k: st(s) })],
    q_shortest_path: [shortest(true, 8), (s) => ({ a: st(s), b: st(s * 7n + 13n) })],
  };
  const out = {};
  for (const [name, [q, params]] of Object.entries(qs)) {
    try {
      const reopen = async () => {
        conn.closeSync();
        db.closeSync();
        [db, conn] = await open();
      };
      out[name] = await measure(async (s) => (await conn.runAndReadAll(q, params(s))).getRows(), reopen, samples, coldSamples);
    } catch (e) {
      out[name] = { error: String(e.message || e).split("\n")[0] };
    }
  }
  out.blocs = { error: "not run: connected components are not asked of DuckDB" };
  conn.closeSync();
  db.closeSync();
  console.log(JSON.stringify(out));
}

if (mode === "load") await load();
else if (mode === "queries") await queries();
