// The Kùzu side of the differential test (run.py): runs each query of a JSON file
// ([{"name", "kuzu"}, ...]) on a Kùzu database and prints {"name": rows | {"error": text}}
// as JSON, each row a list of values: integers as numbers, dates as "YYYY-MM-DD".
//
//   node kuzu_run.mjs DB QUERIES.json
import kuzu from "kuzu";
import fs from "fs";

const [, , dbPath, queriesPath] = process.argv;
const queries = JSON.parse(fs.readFileSync(queriesPath, "utf8"));

function plain(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object") {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}

const db = new kuzu.Database(dbPath, 0, true, true);  // read-only
const conn = new kuzu.Connection(db);
const out = {};
for (const q of queries) {
  try {
    const result = await conn.query(q.kuzu);
    const columns = await result.getColumnNames();
    const rows = await result.getAll();
    out[q.name] = rows.map((r) => columns.map((c) => plain(r[c])));
  } catch (e) {
    out[q.name] = { error: String(e.message || e) };
  }
}
await db.close();
console.log(JSON.stringify(out));
