import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { DatabaseIrsaStore } from './DatabaseIrsaStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

// The README's test command starts PostgreSQL and sets this, so that a
// missing database fails the run instead of silently testing SQLite only.
if (process.env.IRSA_REQUIRE_POSTGRES === 'true') {
  it('runs against PostgreSQL', () => {
    expect(databases.eachSupportedId()).toContainEqual(['POSTGRES_15']);
  });
}

describe.each(databases.eachSupportedId())(
  'DatabaseIrsaStore on %p',
  databaseId => {
    async function createStore(id: TestDatabaseId) {
      const knex = await databases.init(id);
      const store = await DatabaseIrsaStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      return { knex, store };
    }

    it('records audit events with their details and lists them newest first', async () => {
      const { store } = await createStore(databaseId);
      const first = await store.recordAudit({
        actor: 'user:default/guest',
        operation: 'provision-apply',
        entityRef: 'component:default/payments-api',
        cluster: 'demo-east',
        namespace: 'payments',
        serviceAccount: 'payments-reporter',
        roleArn: 'arn:aws:iam::123456789012:role/payments-reporter',
        result: 'succeeded',
        detail: { changes: [{ target: 'role', action: 'create' }] },
      });
      const second = await store.recordAudit({
        actor: 'user:default/guest',
        operation: 'provision-apply',
        entityRef: 'component:default/kaniko',
        result: 'refused',
      });

      expect(first.createdAt).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
      );
      expect(Date.now() - Date.parse(first.createdAt)).toBeLessThan(60_000);
      const { items, nextCursor } = await store.listAudit();
      expect(items.map(e => e.id)).toEqual([second.id, first.id]);
      expect(items[1]).toEqual(first);
      expect(items[1].detail).toEqual({
        changes: [{ target: 'role', action: 'create' }],
      });
      expect(items[0].cluster).toBeUndefined();
      expect(nextCursor).toBeUndefined();

      const filtered = await store.listAudit({
        entityRef: 'component:default/kaniko',
      });
      expect(filtered.items.map(e => e.id)).toEqual([second.id]);
    });

    it('pages through audit events with a cursor', async () => {
      const { store } = await createStore(databaseId);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          (
            await store.recordAudit({
              actor: `user:default/u${i}`,
              operation: 'provision-plan',
              result: 'unchanged',
            })
          ).id,
        );
      }
      const page1 = await store.listAudit({ limit: 2 });
      const page2 = await store.listAudit({
        limit: 2,
        cursor: page1.nextCursor,
      });
      const page3 = await store.listAudit({
        limit: 2,
        cursor: page2.nextCursor,
      });
      expect(
        [...page1.items, ...page2.items, ...page3.items].map(e => e.id),
      ).toEqual(ids.reverse());
      expect(page3.nextCursor).toBeUndefined();
      await expect(store.listAudit({ cursor: 'DROP TABLE' })).rejects.toThrow(
        /cursor/,
      );
      await expect(store.listAudit({ limit: 0 })).rejects.toThrow(/limit/);
    });

    it("lists only the given entities' audit events for an owner's view", async () => {
      const { store } = await createStore(databaseId);
      const refs = [
        'component:default/a',
        'component:default/b',
        'component:default/c',
      ];
      for (const entityRef of refs) {
        await store.recordAudit({
          actor: 'user:default/u',
          operation: 'provision-apply',
          entityRef,
          result: 'succeeded',
        });
      }
      await store.recordAudit({
        actor: 'user:default/u',
        operation: 'provision-apply',
        result: 'refused',
      });
      const owned = await store.listAudit({
        entityRefs: [refs[0], refs[2], 'component:default/none'],
      });
      expect(owned.items.map(e => e.entityRef)).toEqual([refs[2], refs[0]]);
      expect((await store.listAudit({ entityRefs: [] })).items).toEqual([]);
      // More refs than SQLite binds in one statement.
      const many = Array.from(
        { length: 1200 },
        (_, i) => `component:default/x${i}`,
      );
      const wide = await store.listAudit({ entityRefs: [...many, refs[1]] });
      expect(wide.items.map(e => e.entityRef)).toEqual([refs[1]]);
    });

    it('records reviews of bindings and filters them like the inventory', async () => {
      const { store } = await createStore(databaseId);
      const review = await store.recordReview({
        reviewer: 'user:default/alice',
        owner: 'group:default/team-payments',
        entityRef: 'component:default/payments-api',
        cluster: 'demo-east',
        namespace: 'payments',
        serviceAccount: 'payments-api',
        roleArn: 'arn:aws:iam::123456789012:role/irsa-demo-payments-api',
        comment: 'read-only S3, scoped trust',
        reviewedHash: '0badc0de',
      });
      const unowned = await store.recordReview({
        reviewer: 'user:default/bob',
        roleArn: 'arn:aws:iam::123456789012:role/irsa-demo-orphan',
        comment: 'tagged role, no service account yet',
        reviewedHash: '12345678',
      });

      expect(review.createdAt).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
      );
      const all = await store.listReviews();
      expect(all.items).toEqual([unowned, review]);
      expect(all.items[0].owner).toBeUndefined();
      expect(all.items[0].cluster).toBeUndefined();
      const byOwner = await store.listReviews({
        owner: 'group:default/team-payments',
      });
      expect(byOwner.items).toEqual([review]);
      expect(
        (await store.listReviews({ owner: 'none' })).items.map(r => r.id),
      ).toEqual([unowned.id]);
      expect(
        (await store.listReviews({ owners: [] })).items.map(r => r.id),
      ).toEqual([]);
      expect(
        (
          await store.listReviews({
            cluster: 'demo-east',
            namespace: 'payments',
          })
        ).items.map(r => r.id),
      ).toEqual([review.id]);
      expect((await store.listReviews({ namespace: 'orders' })).items).toEqual(
        [],
      );
      const byRole = await store.listReviews({
        roleArn: 'arn:aws:iam::123456789012:role/irsa-demo-orphan',
      });
      expect(byRole.items).toEqual([unowned]);
    });

    it('pages through reviews with a cursor', async () => {
      const { store } = await createStore(databaseId);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(
          (
            await store.recordReview({
              reviewer: 'user:default/alice',
              roleArn: `arn:aws:iam::123456789012:role/r${i}`,
              comment: `review ${i}`,
              reviewedHash: 'abcdef01',
            })
          ).id,
        );
      }
      const page1 = await store.listReviews({ limit: 2 });
      const page2 = await store.listReviews({
        limit: 2,
        cursor: page1.nextCursor,
      });
      expect([...page1.items, ...page2.items].map(r => r.id)).toEqual(
        ids.reverse(),
      );
      expect(page2.nextCursor).toBeUndefined();
    });

    it('migrates down and up again cleanly', async () => {
      const { knex } = await createStore(databaseId);
      await knex.migrate.rollback(
        { directory: `${__dirname}/../../migrations` },
        true,
      );
      expect(await knex.schema.hasTable('irsa_audit_events')).toBe(false);
      await knex.migrate.latest({ directory: `${__dirname}/../../migrations` });
      expect(await knex.schema.hasTable('irsa_reviews')).toBe(true);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'provisioning claims on %p',
  databaseId => {
    const sa = {
      cluster: 'demo-east',
      namespace: 'payments',
      serviceAccount: 'payments-reporter',
    };

    async function createStore() {
      const knex = await databases.init(databaseId);
      return DatabaseIrsaStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
    }

    it('lets exactly one of many concurrent runs claim a service account', async () => {
      const store = await createStore();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.claimServiceAccount(sa, `run-${i}`, 60_000),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      // another service account is another claim
      expect(
        await store.claimServiceAccount(
          { ...sa, serviceAccount: 'other' },
          'run-x',
          60_000,
        ),
      ).toBe(true);
    });

    it('frees a claim on release by its holder only', async () => {
      const store = await createStore();
      expect(await store.claimServiceAccount(sa, 'first', 60_000)).toBe(true);
      await store.releaseServiceAccount(sa, 'second');
      expect(await store.claimServiceAccount(sa, 'second', 60_000)).toBe(false);
      await store.releaseServiceAccount(sa, 'first');
      expect(await store.claimServiceAccount(sa, 'second', 60_000)).toBe(true);
    });

    it('takes over a stale claim', async () => {
      const store = await createStore();
      expect(await store.claimServiceAccount(sa, 'dead', 60_000)).toBe(true);
      await new Promise(resolve => setTimeout(resolve, 20));
      expect(await store.claimServiceAccount(sa, 'alive', 10)).toBe(true);
      expect(await store.claimServiceAccount(sa, 'third', 60_000)).toBe(false);
    });
  },
);
