// How much JavaScript the IRSA plugin adds to the app, gzipped: from the
// production build's bundle stats (`backstage-cli package build --stats` in
// packages/app), every chunk that holds modules of plugins/irsa or
// plugins/irsa-common, gzipped at level 9 as a CDN would serve it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = process.argv[2] ?? 'packages/app/dist';
const GOAL_BYTES = 120 * 1024;
const isOurs = name => /plugins\/irsa(-common)?\//.test(name ?? '');

const stats = JSON.parse(readFileSync(join(DIST, 'bundle-stats.json'), 'utf8'));

/** Per chunk: the source bytes of our modules and of all its modules. */
const bytes = new Map();
for (const module of stats.modules) {
  for (const chunk of module.chunks ?? []) {
    const entry = bytes.get(chunk) ?? { ours: 0, total: 0 };
    entry.total += module.size;
    if (isOurs(module.name)) entry.ours += module.size;
    bytes.set(chunk, entry);
  }
}

const rows = [];
for (const chunk of stats.chunks) {
  const entry = bytes.get(chunk.id);
  if (!entry?.ours) continue;
  const gz = chunk.files
    .filter(f => f.endsWith('.js'))
    .reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length, 0);
  // a chunk mostly ours is ours; in a shared one (main) we count our share of it
  const share = entry.ours / entry.total;
  const attributed = share >= 0.5 ? gz : Math.round(gz * share);
  rows.push({ chunk: chunk.files.join(' '), initial: chunk.initial, share, gz, attributed });
}

const total = rows.reduce((sum, r) => sum + r.attributed, 0);
for (const r of rows) {
  console.log(
    `${r.chunk.padEnd(40)} ${r.initial ? 'initial' : 'lazy   '} ours ${(100 * r.share).toFixed(0).padStart(3)}%  ` +
      `gz ${(r.gz / 1024).toFixed(1).padStart(6)} KB  counted ${(r.attributed / 1024).toFixed(1).padStart(6)} KB`,
  );
}
console.log(
  `the plugin's JavaScript, gzipped: ${(total / 1024).toFixed(1)} KB (goal < ${GOAL_BYTES / 1024} KB)`,
);
console.log(JSON.stringify({ totalGzBytes: total, chunks: rows.length }));
process.exitCode = total < GOAL_BYTES ? 0 : 1;
