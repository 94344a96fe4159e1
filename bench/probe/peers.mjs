// The peers' side of the independent probe (bench/probe/README.md): loads entente-gen's
// CSV into Kùzu (COPY FROM) and DuckDB (COPY), then asks each the four kinds of question
// for the samples the driver chose, and prints each answer and the latencies as JSON.
//
//   node peers.mjs kuzu|duckdb WORK_DIR CSV_DIR SAMPLES.json
//
// Every question keeps to the date on every relationship (a membership in force), and
// leaves the start state out of its own answer, so that the three systems' answers must
// be equal (docs/performance.md, "The independent probe").
import fs from "fs";
import path from "path";
import { createRequire } from "module";

const [, , peer, work, csv, samplesFile] = process.argv;
const samples = JSON.parse(fs.readFileSync(samplesFile, "utf8"));
const require = createRequire(path.join(process.env.PROBE_NODE_MODULES || ".", "x.js"));

const nodeTables = {
  State: "key STRING, name STRING, alias STRING, valid_from DATE",
  Person: "key STRING, name STRING, born DATE",
  Treaty: "key STRING, name STRING, signed DATE, valid_from DATE, valid_to DATE, defense BOOLEAN",
  Agreement: "key STRING, name STRING, signed DATE, field STRING",
  Visit: "key STRING, name STRING, start DATE, city STRING, kind STRING",
  Event: "key STRING, name STRING, date DATE, cameo STRING, goldstein DOUBLE",
};
const relTables = {
  HOLDS_OFFICE: ["Person", "State", "office STRING, valid_from DATE, valid_to DATE"],
  PARTY_TO_Treaty: ["State", "Treaty", "valid_from DATE, valid_to DATE"],
  PARTY_TO_Agreement: ["State", "Agreement", "signed DATE"],
  VISITOR: ["Visit", "Person", ""],
  HOST: ["Visit", "State", ""],
  INVOLVES: ["Event", "State", "role STRING"],
};

const now = () => process.hrtime.bigint();
const micros = (t) => Number(process.hrtime.bigint() - t) / 1e3;
const pct = (v, q) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))];

// Asks `ask(params)` (which returns the answer, an integer) for every sample: one pass to
// warm up and keep the answers, three timed passes that must give the same answers.
async function time(ask, params) {
  const answers = [];
  for (const p of params) answers.push(await ask(p));
  const us = [];
  for (let pass = 0; pass < 3; ++pass) {
    for (let i = 0; i < params.length; ++i) {
      const t = now();
      const a = await ask(params[i]);
      us.push(micros(t));
      if (a !== answers[i]) throw new Error(`two answers for sample ${i}: ${answers[i]} and ${a}`);
    }
  }
  return { median_us: pct(us, 0.5), p90_us: pct(us, 0.9), answers };
}

const single = samples.states.map((k) => ({ k }));
const pairs = samples.pairs.map(([a, b]) => ({ a, b }));

async function kuzu() {
  const kuzu = require("kuzu");
  const dir = path.join(work, "kuzu");
  fs.rmSync(dir, { recursive: true, force: true });
  const db = new kuzu.Database(dir);
  const conn = new kuzu.Connection(db);
  for (const [t, cols] of Object.entries(nodeTables)) await conn.query(`CREATE NODE TABLE ${t}(${cols}, PRIMARY KEY(key))`);
  for (const [t, [from, to, cols]] of Object.entries(relTables)) {
    await conn.query(`CREATE REL TABLE ${t}(FROM ${from} TO ${to}${cols ? ", " + cols : ""})`);
  }
  const t0 = now();
  for (const t of [...Object.keys(nodeTables), ...Object.keys(relTables)]) {
    await conn.query(`COPY ${t} FROM '${path.join(csv, t + ".csv")}' (header=true)`);
  }
  const copy_s = micros(t0) / 1e6;
  const d = `date('${samples.date}')`;
  const live = (r) => `(${r}.valid_from IS NULL OR ${r}.valid_from <= ${d}) AND (${r}.valid_to IS NULL OR ${r}.valid_to > ${d})`;
  const kinds = {
    q_1hop: [`MATCH (s:State {key: $k})-[r:PARTY_TO_Treaty]->(t:Treaty) WHERE ${live("r")} AND ${live("t")} RETURN t.key`, single, true],
    q_2hop: [`MATCH (s:State {key: $k})-[a:PARTY_TO_Treaty]->(t:Treaty)<-[b:PARTY_TO_Treaty]-(o:State)
              WHERE ${live("a")} AND ${live("b")} AND ${live("t")} AND o.key <> $k RETURN DISTINCT o.key`, single, true],
    q_reach4: [`MATCH (a:State {key: $k})-[:PARTY_TO_Treaty*1..4 (r, n | WHERE ${live("r")})]-(b)
                WHERE b.key <> $k RETURN count(DISTINCT b)`, single, false],
    q_shortest_path: [`MATCH p = (a:State {key: $a})-[:PARTY_TO_Treaty* SHORTEST 1..8 (r, n | WHERE ${live("r")})]-(b:State {key: $b})
                       RETURN length(p)`, pairs, false],
  };
  const out = { copy_seconds: copy_s };
  for (const [name, [q, params, rows]] of Object.entries(kinds)) {
    const ps = await conn.prepare(q);
    out[name] = await time(async (p) => {
      const r = await (await conn.execute(ps, p)).getAll();
      if (rows) return r.length;
      return r.length ? Number(Object.values(r[0])[0]) : -1;
    }, params);
  }
  await conn.close();
  await db.close();
  return out;
}

async function duckdb() {
  const { DuckDBInstance } = require("@duckdb/node-api");
  const file = path.join(work, "duck.db");
  fs.rmSync(file, { force: true });
  fs.rmSync(file + ".wal", { force: true });
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  const sql = (cols) => cols.replaceAll("STRING", "VARCHAR");
  for (const [t, cols] of Object.entries(nodeTables)) await conn.run(`CREATE TABLE ${t}(${sql(cols)}, PRIMARY KEY(key))`);
  for (const [t, [, , cols]] of Object.entries(relTables)) await conn.run(`CREATE TABLE ${t}("from" VARCHAR, "to" VARCHAR${cols ? ", " + sql(cols) : ""})`);
  const t0 = now();
  for (const t of [...Object.keys(nodeTables), ...Object.keys(relTables)]) await conn.run(`COPY ${t} FROM '${path.join(csv, t + ".csv")}' (HEADER)`);
  await conn.run('CREATE INDEX probe_pt_from ON PARTY_TO_Treaty("from")');
  await conn.run('CREATE INDEX probe_pt_to ON PARTY_TO_Treaty("to")');
  const copy_s = micros(t0) / 1e6;
  const d = `DATE '${samples.date}'`;
  const live = (r) => `(${r}.valid_from IS NULL OR ${r}.valid_from <= ${d}) AND (${r}.valid_to IS NULL OR ${r}.valid_to > ${d})`;
  // Memberships in force on the date, walked both ways.
  const edges = `SELECT "from" AS x, "to" AS y FROM PARTY_TO_Treaty r WHERE ${live("r")}
                 UNION ALL SELECT "to", "from" FROM PARTY_TO_Treaty r WHERE ${live("r")}`;
  const kinds = {
    q_1hop: [`SELECT t.key FROM PARTY_TO_Treaty r JOIN Treaty t ON t.key = r."to" WHERE r."from" = $k AND ${live("r")} AND ${live("t")}`, single, true],
    q_2hop: [`SELECT DISTINCT b."from" FROM PARTY_TO_Treaty a JOIN Treaty t ON t.key = a."to" JOIN PARTY_TO_Treaty b ON b."to" = t.key
              WHERE a."from" = $k AND b."from" <> $k AND ${live("a")} AND ${live("b")} AND ${live("t")}`, single, true],
    q_reach4: [`WITH RECURSIVE e AS (${edges}),
                walk(n, d) AS (SELECT $k, 0 UNION SELECT e.y, walk.d + 1 FROM walk JOIN e ON e.x = walk.n WHERE walk.d < 4)
                SELECT count(DISTINCT n) FROM walk WHERE d >= 1 AND n <> $k`, single, false],
    q_shortest_path: [`WITH RECURSIVE e AS (${edges}),
                walk(n, d) AS (SELECT $a, 0 UNION SELECT e.y, walk.d + 1 FROM walk JOIN e ON e.x = walk.n
                               WHERE walk.d < 8 AND NOT EXISTS (SELECT 1 FROM walk w WHERE w.n = $b))
                SELECT min(d) FROM walk WHERE n = $b`, pairs, false],
  };
  const out = { copy_seconds: copy_s };
  for (const [name, [q, params, rows]] of Object.entries(kinds)) {
    out[name] = await time(async (p) => {
      const r = (await conn.runAndReadAll(q, p)).getRows();
      if (rows) return r.length;
      return r.length && r[0][0] !== null ? Number(r[0][0]) : -1;
    }, params);
  }
  conn.closeSync();
  db.closeSync();
  return out;
}

const out = peer === "kuzu" ? await kuzu() : peer === "duckdb" ? await duckdb() : null;
if (!out) {
  console.error("usage: node peers.mjs kuzu|duckdb WORK_DIR CSV_DIR SAMPLES.json");
  process.exit(2);
}
console.log(JSON.stringify(out));
