// The Kuzu side of make bench (optional; bench/run.py runs it when Node.js and the npm
// package are present): the same data, loaded from entente-gen's CSV with COPY FROM, and
// the same questions as entente-bench's, timed the same way. Prints JSON.
//
//   node kuzu.mjs load DB CSV_DIR
//   node kuzu.mjs queries DB MANIFEST SAMPLES COLD
import kuzu from "kuzu";
import fs from "fs";
import { dirBytes, measure, rng } from "./common.mjs";
import path from "path";

const [, , mode, dbPath, arg1, arg2, arg3] = process.argv;

const schema = [
  "CREATE NODE TABLE State(key STRING, name STRING, alias STRING, valid_from DATE, PRIMARY KEY(key))",
  "CREATE NODE TABLE Person(key STRING, name STRING, born DATE, PRIMARY KEY(key))",
  "CREATE NODE TABLE Treaty(key STRING, name STRING, signed DATE, valid_from DATE, valid_to DATE, defense BOOLEAN, PRIMARY KEY(key))",
  "CREATE NODE TABLE Agreement(key STRING, name STRING, signed DATE, field STRING, PRIMARY KEY(key))",
  "CREATE NODE TABLE Visit(key STRING, name STRING, start DATE, city STRING, kind STRING, PRIMARY KEY(key))",
  "CREATE NODE TABLE Event(key STRING, name STRING, date DATE, cameo STRING, goldstein DOUBLE, PRIMARY KEY(key))",
  "CREATE REL TABLE HOLDS_OFFICE(FROM Person TO State, office STRING, valid_from DATE, valid_to DATE)",
  "CREATE REL TABLE PARTY_TO_Treaty(FROM State TO Treaty, valid_from DATE, valid_to DATE)",
  "CREATE REL TABLE PARTY_TO_Agreement(FROM State TO Agreement, signed DATE)",
  "CREATE REL TABLE VISITOR(FROM Visit TO Person)",
  "CREATE REL TABLE HOST(FROM Visit TO State)",
  "CREATE REL TABLE INVOLVES(FROM Event TO State, role STRING)",
];
const tables = ["State", "Person", "Treaty", "Agreement", "Visit", "Event", "HOLDS_OFFICE", "PARTY_TO_Treaty",
                "PARTY_TO_Agreement", "VISITOR", "HOST", "INVOLVES"];

async function all(conn, q, params) {
  if (params === undefined) return await (await conn.query(q)).getAll();
  const ps = await conn.prepare(q);
  return await (await conn.execute(ps, params)).getAll();
}

async function load() {
  const db = new kuzu.Database(dbPath);
  const conn = new kuzu.Connection(db);
  for (const s of schema) await conn.query(s);
  const t0 = process.hrtime.bigint();
  for (const t of tables) {
    await conn.query(`COPY ${t} FROM '${path.join(arg1, t + ".csv")}' (header=true)`);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await db.close();
  console.log(JSON.stringify({ copy_seconds: seconds, db_bytes: dirBytes(dbPath) }));
}

async function queries() {
  const manifest = JSON.parse(fs.readFileSync(arg1, "utf8"));
  const samples = Number(arg2), coldSamples = Number(arg3);
  const persons = manifest.nodes.Person, events = manifest.nodes.Event;
  const d = "date('2000-01-01')";
  const live = (r) => `(${r}.valid_from IS NULL OR ${r}.valid_from <= ${d}) AND (${r}.valid_to IS NULL OR ${r}.valid_to > ${d})`;
  const st = (i) => "S" + String(Number(i % 200n)).padStart(3, "0");
  let db = new kuzu.Database(dbPath, 0, true, true);  // read-only
  let conn = new kuzu.Connection(db);
  const names = [];
  {
    const r = rng(7);
    for (let i = 0; i < 200; ++i) {
      const rows = await all(conn, "MATCH (p:Person {key: $k}) RETURN p.name AS n", { k: "p" + (r.next().value % BigInt(persons)) });
      if (rows.length) names.push(rows[0].n);
    }
  }
  const qs = {
    lookup_key: [`MATCH (e:Event {key: $k}) RETURN e.*`, (s) => ({ k: "e" + (s % BigInt(events)) })],
    lookup_name: [`MATCH (p:Person) WHERE p.name = $n RETURN p.key`, (s) => ({ n: names[Number(s % BigInt(names.length))] })],
    neighbors_at: [`MATCH (p:Person {key: $k})-[r:HOLDS_OFFICE|VISITOR]-(x) WHERE ${live("r")} RETURN x.key, r`,
                   (s) => ({ k: "p" + (s % BigInt(persons)) })],
    allies: [`MATCH (s:State {key: $k})-[a:PARTY_TO_Treaty]->(t:Treaty)<-[b:PARTY_TO_Treaty]-(o:State)
              WHERE t.defense AND o.key <> s.key AND ${live("a")} AND ${live("b")} AND ${live("t")}
              RETURN DISTINCT o.key, t.key`, (s) => ({ k: st(s) })],
    hop2: [`MATCH (p:Person {key: $k})<-[:VISITOR]-(v:Visit)-[:HOST]->(s:State) RETURN count(DISTINCT s) AS n`,
           (s) => ({ k: "p" + (s % BigInt(persons)) })],
    query_2hop: [`MATCH (p:Person {key: $k})<-[:VISITOR]-(v:Visit)-[:HOST]->(s:State) RETURN DISTINCT s.key`,
                 (s) => ({ k: "p" + (s % BigInt(persons)) })],
    hop3: [`MATCH (s:State {key: $k})-[a:PARTY_TO_Treaty]->(t:Treaty)<-[b:PARTY_TO_Treaty]-(o:State)-[c:PARTY_TO_Treaty]->(t2:Treaty)
            WHERE o.key <> s.key AND ${live("a")} AND ${live("b")} AND ${live("c")} AND ${live("t")} AND ${live("t2")}
            RETURN count(DISTINCT t2) AS n`, (s) => ({ k: st(s) })],
    shortest_path: [`MATCH p = (a:State {key: $a})-[:PARTY_TO_Treaty* SHORTEST 1..20]-(b:State {key: $b}) RETURN length(p) AS n`,
                    (s) => ({ a: st(s), b: st(s * 7n + 13n) })],
    // The four kinds of the side-by-side comparison, every hop on the date (entente-bench's q_*).
    q_1hop: [`MATCH (s:State {key: $k})-[r:PARTY_TO_Treaty]->(t:Treaty) WHERE ${live("r")} AND ${live("t")} RETURN t.key`,
             (s) => ({ k: st(s) })],
    q_2hop: [`MATCH (s:State {key: $k})-[a:PARTY_TO_Treaty]->(t:Treaty)<-[b:PARTY_TO_Treaty]-(o:State)
              WHERE ${live("a")} AND ${live("b")} AND ${live("t")} RETURN DISTINCT o.key`, (s) => ({ k: st(s) })],
    q_reach4: [`MATCH (a:State {key: $k})-[:PARTY_TO_Treaty*1..4 (r, n | WHERE ${live("r")})]-(b) RETURN count(DISTINCT b) AS n`,
               (s) => ({ k: st(s) })],
    q_shortest_path: [`MATCH p = (a:State {key: $a})-[:PARTY_TO_Treaty* SHORTEST 1..8 (r, n | WHERE ${live("r")})]-(b:State {key: $b})
                       RETURN length(p) AS n`, (s) => ({ a: st(s), b: st(s * 7n + 13n) })],
  };
  const out = {};
  for (const [name, [q, params]] of Object.entries(qs)) {
    try {
      let ps = await conn.prepare(q);
      const reopen = async () => {
        await conn.close();
        await db.close();
        db = new kuzu.Database(dbPath, 0, true, true);
        conn = new kuzu.Connection(db);
        ps = await conn.prepare(q);  // prepared before the timing starts
      };
      out[name] = await measure(async (s) => (await conn.execute(ps, params(s))).getAll(), reopen, samples, coldSamples);
    } catch (e) {
      out[name] = { error: String(e.message || e).split("\n")[0] };
    }
  }
  out.blocs = { error: "not run: connected components need Kuzu's algo extension, downloaded at run time" };
  await conn.close();
  await db.close();
  console.log(JSON.stringify(out));
}

if (mode === "load") await load();
else if (mode === "queries") await queries();
else {
  console.error("usage: node kuzu.mjs load DB CSV_DIR | queries DB MANIFEST SAMPLES COLD");
  process.exit(2);
}
