// What kuzu.mjs and duckdb.mjs share: the samples, the timing of a question (as
// entente-bench times it) and the size of a database on disk.
import fs from "fs";
import path from "path";

export function dirBytes(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (st.isFile()) return st.size;
  let n = 0;
  for (const e of fs.readdirSync(p)) n += dirBytes(path.join(p, e));
  return n;
}

// splitmix64, as entente-bench's samples (only the spread matters, not the same keys).
export function* rng(seed) {
  let s = BigInt(seed);
  const M = (1n << 64n) - 1n;
  for (;;) {
    s = (s + 0x9e3779b97f4a7c15n) & M;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
    yield z ^ (z >> 31n);
  }
}

function stats(us) {
  us.sort((a, b) => a - b);
  if (us.length === 0) return null;
  const at = (q) => us[Math.min(us.length - 1, Math.floor(q * us.length))];
  return { median_us: at(0.5), p90_us: at(0.9), p99_us: at(0.99), samples: us.length };
}

const since = (t) => Number(process.hrtime.bigint() - t) / 1e9;

// Times one question as entente-bench does: a warm-up of up to 50 runs or 2 s; `samples`
// warm runs or 8 s (at least 3); `coldSamples` cold ones or 8 s (at least 1), each after
// `reopen()` (a database opened again). `run(sample)` asks the question once.
export async function measure(run, reopen, samples, coldSamples) {
  const warm = [], cold = [];
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < 50 && since(t0) < 2; ++i) await run(1000003n * BigInt(i));
  t0 = process.hrtime.bigint();
  for (let i = 0; i < samples && (i < 3 || since(t0) < 8); ++i) {
    const t = process.hrtime.bigint();
    await run(7919n * BigInt(i) + 11n);
    warm.push(Number(process.hrtime.bigint() - t) / 1e3);
  }
  const c0 = process.hrtime.bigint();
  for (let i = 0; i < coldSamples && (i < 1 || since(c0) < 8); ++i) {
    await reopen();
    const t = process.hrtime.bigint();
    await run(104729n * BigInt(i) + 5n);
    cold.push(Number(process.hrtime.bigint() - t) / 1e3);
  }
  return { warm: stats(warm), cold: stats(cold) };
}
