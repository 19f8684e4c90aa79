/*
 * Two backend replicas (separate Node processes) on one PostgreSQL and one Redis, each with
 * its own counting proxy in front of moto: the scheduled inventory runs once for both, both
 * answer GET /bindings identically from the database, and a view that one replica has made
 * costs the other no AWS call (the shared cache). Needs the sandbox, PostgreSQL and Redis
 * (scripts/test starts them: BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
 * IRSA_TEST_REDIS_URL).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  countingAwsProxy,
  CountingAwsProxy,
  loadSettings,
  sandboxAppConfig,
} from '@irsa-backstage/sandbox-test-utils';
import knexFactory from 'knex';
import { execFileSync } from 'node:child_process';
import {
  databasePrefix,
  Replica,
  startReplica,
} from '../__testUtils__/replicas';

const POSTGRES =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const REDIS = process.env.IRSA_TEST_REDIS_URL;
if ((!POSTGRES || !REDIS) && process.env.IRSA_REQUIRE_POSTGRES === 'true') {
  throw new Error(
    'scripts/test starts PostgreSQL and Redis, but a connection string is missing',
  );
}
const describeWithServers = POSTGRES && REDIS ? describe : describe.skip;

const owner = 'user:default/replica-owner';
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'payments-api' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-payments',
    lifecycle: 'production',
  },
};

describeWithServers('two replicas sharing PostgreSQL and Redis', () => {
  const s = loadSettings();
  const prefix = databasePrefix();
  const proxies: CountingAwsProxy[] = [];
  const replicas: Replica[] = [];

  beforeAll(async () => {
    // This test owns the test Redis: start from an empty cache.
    execFileSync('redis-cli', ['-u', REDIS!, 'FLUSHALL']);
    for (let i = 0; i < 2; i++) {
      const proxy = await countingAwsProxy(s.AWS_ENDPOINT_URL);
      proxies.push(proxy);
      const config = sandboxAppConfig(s);
      replicas.push(
        await startReplica({
          postgres: POSTGRES!,
          prefix,
          cache: { store: 'redis', connection: REDIS },
          entities: [entity],
          appConfig: {
            ...config,
            irsa: {
              ...config.irsa,
              aws: { ...config.irsa.aws, endpoint: proxy.url },
              inventory: { initialDelaySeconds: 0, frequencyMinutes: 60 },
            },
          },
        }),
      );
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    await Promise.all(proxies.map(p => p.close()));
    const admin = knexFactory({ client: 'pg', connection: POSTGRES });
    await admin.raw(`DROP DATABASE IF EXISTS "${prefix}irsa"`);
    await admin.destroy();
  }, 60_000);

  const get = async (replica: Replica, path: string) => {
    const res = await fetch(`${replica.baseUrl}/api/irsa${path}`, {
      headers: { authorization: mockCredentials.user.header(owner) },
    });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('runs the inventory once for both, and both answer /bindings identically', async () => {
    let pages: any[] = [];
    for (let i = 0; i < 120; i++) {
      pages = await Promise.all(
        replicas.map(r => get(r, '/bindings?limit=500')),
      );
      if (pages.every(p => p.refreshedAt)) break;
      await new Promise(r => setTimeout(r, 500));
    }
    expect(pages[0].refreshedAt).toBeDefined();
    expect(pages[1]).toEqual(pages[0]);
    expect(pages[0].items.map((b: any) => b.serviceAccount)).toContain(
      'payments-api',
    );
    const bulkReads = proxies.map(
      p => p.take().GetAccountAuthorizationDetails ?? 0,
    );
    // One replica read IAM in bulk (one page), the other did not: one run per interval.
    expect(bulkReads.sort()).toEqual([0, 1]);
  });

  it('answers a view on the second replica without the AWS calls the first already made', async () => {
    proxies.forEach(p => p.take());
    const path = '/entities/default/component/payments-api/bindings';
    const first = await get(replicas[0], path);
    const firstCalls = proxies[0].take();
    expect(firstCalls.GetRole).toBeGreaterThan(0);
    const second = await get(replicas[1], path);
    expect(proxies[1].take()).toEqual({});
    expect(second.bindings).toEqual(first.bindings);
  });
});
