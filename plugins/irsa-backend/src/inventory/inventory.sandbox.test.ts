/*
 * The inventory through the real plugin against the sandbox: the scheduled refresh reads IAM
 * in bulk and the cluster's service accounts and pods, joins the demo catalog's owners, and
 * GET /bindings serves every seeded binding with its owner and findings, filtered; a cluster
 * that does not answer is reported stale without holding up the rest. Needs a running, seeded
 * sandbox.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { irsaPlugin } from '../plugin';
import { startBlackhole, Blackhole } from '../__testUtils__/blackhole';
import {
  loadSettings,
  REPO_ROOT,
  sandboxAppConfig,
  sandboxDemoEastCluster,
  SANDBOX_ACCOUNT_ID,
} from '../__testUtils__/sandboxSettings';
import { validateAgainstSpec } from '../schema/__testUtils__/validateAgainstSpec';

const s = loadSettings();
const demoCatalog = yaml
  .parseAllDocuments(
    fs.readFileSync(path.join(REPO_ROOT, 'catalog-info.yaml'), 'utf8'),
  )
  .map(d => d.toJSON() as Entity)
  .filter(e => e?.kind === 'Component');

let server: Parameters<typeof request>[0];
let blackhole: Blackhole;

beforeAll(async () => {
  blackhole = await startBlackhole();
  const config = sandboxAppConfig(s, [
    sandboxDemoEastCluster(s),
    {
      name: 'silent',
      accountId: SANDBOX_ACCOUNT_ID,
      region: 'us-east-1',
      url: blackhole.url('https'),
      skipTLSVerify: true,
      serviceAccountToken: 't',
    },
  ]);
  const backend = await startTestBackend({
    features: [
      irsaPlugin,
      catalogServiceMock.factory({ entities: demoCatalog }),
      // Runs the scheduled refresh once at start-up, and waits for it.
      mockServices.scheduler.factory({
        includeInitialDelayedTasksOnStartup: true,
      }),
      mockServices.rootConfig.factory({
        data: {
          ...config,
          irsa: {
            ...config.irsa,
            inventory: { initialDelaySeconds: 0, clusterTimeoutMs: 3000 },
          },
        },
      }),
    ],
  });
  server = backend.server;
}, 60_000);

afterAll(() => blackhole?.close());

const get = (query: Record<string, string> = {}) =>
  request(server)
    .get('/api/irsa/bindings')
    .query(query)
    .set('Authorization', mockCredentials.user.header());

async function refreshed() {
  for (let i = 0; i < 120; i++) {
    const res = await get();
    if (res.body.refreshedAt) return res;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error('the inventory was not refreshed within 60 s');
}

describe('GET /bindings against the sandbox', () => {
  it('lists every seeded binding with its owner and findings, and reports the silent cluster stale', async () => {
    const res = await refreshed();
    expect(res.status).toBe(200);
    expect(validateAgainstSpec('InventoryPage', res.body)).toEqual([]);
    const byName = Object.fromEntries(
      res.body.items
        .filter((b: any) => b.cluster === 'demo-east')
        .map((b: any) => [b.serviceAccount, b]),
    );
    expect(byName['payments-api']).toMatchObject({
      source: 'annotation',
      namespace: 'payments',
      roleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/irsa-demo-payments-api`,
      entityRef: 'component:default/payments-api',
      owner: 'group:default/team-payments',
      allowed: true,
    });
    expect(byName['orders-worker'].allowed).toBe(false);
    expect(byName['orders-worker'].findings.map((f: any) => f.code)).toContain(
      'TRUST_SUB_MISMATCH',
    );
    expect(byName['admin-console']).toMatchObject({
      owner: 'group:default/team-platform',
      severity: 'critical',
    });
    expect(byName['legacy-batch']).toMatchObject({
      roleExists: false,
      owner: 'group:default/team-data',
    });
    // Found through its role's trust policy: the misspelt annotation binds nothing.
    expect(byName['billing-exporter']).toMatchObject({
      source: 'trust',
      owner: 'group:default/team-data',
      severity: 'high',
    });
    expect(
      byName['billing-exporter'].findings.map((f: any) => f.code),
    ).toContain('SA_ANNOTATION_KEY_TYPO');
    for (const name of ['kaniko', 'reports-job', 'inventory-sync']) {
      expect(byName[name]?.entityRef).toBe(`component:default/${name}`);
    }
    expect(res.body.sources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'account',
          name: SANDBOX_ACCOUNT_ID,
          stale: false,
        }),
        expect.objectContaining({
          kind: 'cluster',
          name: 'demo-east',
          stale: false,
        }),
        expect.objectContaining({
          kind: 'cluster',
          name: 'silent',
          stale: true,
        }),
      ]),
    );
  });

  it('filters by owner, severity, finding code and namespace, and pages with a cursor', async () => {
    await refreshed();
    const owned = (await get({ owner: 'group:default/team-payments' })).body
      .items;
    expect(new Set(owned.map((b: any) => b.owner))).toEqual(
      new Set(['group:default/team-payments']),
    );
    expect(owned.map((b: any) => b.serviceAccount)).toEqual(
      expect.arrayContaining(['payments-api', 'orders-worker', 'reports-job']),
    );
    const critical = (await get({ severity: 'critical' })).body.items;
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((b: any) => b.severity === 'critical')).toBe(true);
    const mismatch = (await get({ code: 'TRUST_SUB_MISMATCH' })).body.items;
    expect(mismatch.map((b: any) => b.serviceAccount)).toContain(
      'orders-worker',
    );
    expect(
      (await get({ namespace: 'ops' })).body.items.map(
        (b: any) => b.serviceAccount,
      ),
    ).toEqual(['admin-console']);
    const all = (await get()).body.items;
    const first = await get({ limit: '2' });
    const second = await get({ limit: '2', cursor: first.body.nextCursor });
    expect(
      [...first.body.items, ...second.body.items].map((b: any) => b.id),
    ).toEqual(all.slice(0, 4).map((b: any) => b.id));
  });
});
