/*
 * The demo's entity view under load: 20 clients at once against the running demo backend
 * (its real catalog and permission backend, a guest user), 3 unmeasured rounds, then
 * ROUNDS measured ones; p50/p95 and, when the backend's process is found on :7007, its CPU
 * time per view (from /proc). Complements run.ts, whose backends use the test kit's
 * in-memory catalog with permissions off.
 *
 *   scripts/start   # or: yarn workspace backend start
 *   yarn bench:discovery:demo      # IRSA_BENCH_COMPONENT=orders-worker, ROUNDS=50, BACKEND_URL
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const base = process.env.BACKEND_URL ?? 'http://localhost:7007';
const component = process.env.IRSA_BENCH_COMPONENT ?? 'payments-api';
const rounds = Number(process.env.ROUNDS ?? 50);
const CLIENTS = 20;
const WARMUP_ROUNDS = 3;

async function guestToken() {
  const res = await fetch(`${base}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in answered ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

/** The pid listening on the backend's port, if this machine lets us see it. */
function backendPid() {
  try {
    const port = new URL(base).port || '80';
    const out = execFileSync('fuser', [`${port}/tcp`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return String(out).trim().split(/\s+/)[0] || undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of a process so far, in ms (10 ms ticks). */
function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main() {
  const token = await guestToken();
  const url = `${base}/api/irsa/entities/default/component/${component}/bindings`;
  const view = async () => {
    const t = performance.now();
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await res.json();
    if (!res.ok)
      throw new Error(`view answered ${res.status}: ${JSON.stringify(body)}`);
    return performance.now() - t;
  };
  const round = () => Promise.all(Array.from({ length: CLIENTS }, view));
  for (let r = 0; r < WARMUP_ROUNDS; r++) await round();
  const pid = backendPid();
  const cpuBefore = pid && cpuMs(pid);
  const ms = [];
  for (let r = 0; r < rounds; r++) ms.push(...(await round()));
  const cpu = pid ? (cpuMs(pid) - cpuBefore) / ms.length : undefined;
  ms.sort((a, b) => a - b);
  const at = p => Math.round(ms[Math.ceil(p * ms.length) - 1] * 10) / 10;
  console.log(
    `${component}: ${ms.length} warm views, ${CLIENTS} clients: p50 ${at(
      0.5,
    )} ms, p95 ${at(0.95)} ms` +
      (cpu === undefined ? '' : `, backend CPU ${cpu.toFixed(2)} ms per view`),
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
