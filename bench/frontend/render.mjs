// Time to render the IRSA tab with 50 service accounts, in headless Chromium,
// from the moment the bindings response has arrived (Resource Timing's
// responseEnd) to the moment all 50 cards are in the page. Needs the demo
// running (`scripts/start`); the bindings are the demo's own, multiplied.
import { chromium } from '@playwright/test';

const APP = process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000';
const COMPONENT = process.env.IRSA_BENCH_COMPONENT ?? 'admin-console';
const CARDS = Number(process.env.IRSA_BENCH_CARDS ?? 50);
const RUNS = Number(process.env.IRSA_BENCH_RUNS ?? 7);

/** The real response of the component, its binding repeated under CARDS names. */
function multiply(body) {
  const [template] = body.bindings;
  if (!template) throw new Error(`${COMPONENT} has no binding to multiply`);
  const bindings = Array.from({ length: CARDS }, (_, i) => ({
    ...template,
    serviceAccount: { ...template.serviceAccount, name: `sa-${i}` },
  }));
  return { ...body, bindings };
}

// Runs in the page before the app: notes when the CARDS-th card appears.
function watchCards(count) {
  const check = () => {
    if (document.querySelectorAll('[data-testid^="irsa-binding-"]').length >= count) {
      window.__irsaRendered = performance.now();
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
}

async function oneRun(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(APP);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('button', { name: 'Enter' }).waitFor({ state: 'detached' });
  await page.route('**/api/irsa/entities/**/bindings', async route => {
    const response = await route.fetch();
    await route.fulfill({ response, json: multiply(await response.json()) });
  });
  await page.addInitScript(watchCards, CARDS);
  await page.goto(`${APP}/catalog/default/component/${COMPONENT}/irsa`);
  await page.waitForFunction(() => window.__irsaRendered !== undefined, null, { timeout: 60_000 });
  const ms = await page.evaluate(() => {
    const entry = performance
      .getEntriesByType('resource')
      .find(e => /\/api\/irsa\/entities\/.*\/bindings/.test(e.name));
    return window.__irsaRendered - entry.responseEnd;
  });
  await context.close();
  return ms;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const times = [];
for (let i = 0; i < RUNS + 1; i++) {
  const ms = await oneRun(browser);
  if (i > 0) times.push(ms); // the first run warms the dev server's bundles
}
await browser.close();
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  `render ${CARDS} service accounts of ${COMPONENT}: median ${median.toFixed(0)} ms, ` +
    `min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)} (${RUNS} runs; goal < 1000 ms)`,
);
console.log(JSON.stringify({ cards: CARDS, runs: times.map(t => Math.round(t)), medianMs: Math.round(median) }));
