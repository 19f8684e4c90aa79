import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import type {
  InventoryBinding,
  InventorySource,
} from '@irsa-backstage/plugin-irsa-common';
import { DatabaseIrsaStore } from '../database/DatabaseIrsaStore';
import { InventoryStore } from './InventoryStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

function binding(
  id: string,
  fields: Partial<InventoryBinding>,
  at: string,
): InventoryBinding {
  return {
    id,
    source: 'annotation',
    findings: [],
    stale: false,
    refreshedAt: at,
    ...fields,
  };
}
const role = (account: string, name: string) =>
  `arn:aws:iam::${account}:role/${name}`;
const ok = (
  kind: 'account' | 'cluster',
  name: string,
  at: string,
): InventorySource => ({ kind, name, stale: false, refreshedAt: at });
const failed = (
  kind: 'account' | 'cluster',
  name: string,
): InventorySource => ({ kind, name, stale: true, error: 'timed out' });

describe.each(databases.eachSupportedId())(
  'InventoryStore on %p',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      await DatabaseIrsaStore.create({
        database: mockServices.database({ knex }),
      });
      return new InventoryStore(knex);
    }

    it("keeps a failed cluster's and account's last good bindings, marked stale, and replaces the rest", async () => {
      const store = await createStore();
      const t1 = '2026-11-30T10:00:00.000Z';
      await store.replace({
        refreshedAt: t1,
        sources: [
          ok('account', '111111111111', t1),
          ok('account', '222222222222', t1),
          ok('cluster', 'east', t1),
          ok('cluster', 'west', t1),
        ],
        bindings: [
          binding(
            'a',
            { cluster: 'east', roleArn: role('111111111111', 'a') },
            t1,
          ),
          binding(
            'b',
            { cluster: 'west', roleArn: role('111111111111', 'b') },
            t1,
          ),
          binding(
            'c',
            { source: 'tag', roleArn: role('222222222222', 'c') },
            t1,
          ),
          binding(
            'd',
            { source: 'tag', roleArn: role('111111111111', 'd') },
            t1,
          ),
        ],
      });
      const t2 = '2026-11-30T10:10:00.000Z';
      await store.replace({
        refreshedAt: t2,
        sources: [
          ok('account', '111111111111', t2),
          failed('account', '222222222222'),
          ok('cluster', 'east', t2),
          failed('cluster', 'west'),
        ],
        bindings: [
          binding(
            'a2',
            { cluster: 'east', roleArn: role('111111111111', 'a') },
            t2,
          ),
        ],
      });
      const { items } = await store.list({});
      expect(items.map(b => [b.id, b.stale]).sort()).toEqual([
        ['a2', false],
        ['b', true], // west failed
        ['c', true], // its account failed
      ]);
      const sources = await store.sources();
      expect(sources.find(s => s.name === 'west')).toEqual({
        kind: 'cluster',
        name: 'west',
        stale: true,
        error: 'timed out',
        refreshedAt: t1,
      });
      expect(sources.find(s => s.name === 'east')).toMatchObject({
        stale: false,
        refreshedAt: t2,
      });
    });

    it('filters by owner (or none), severity and code, and refuses a bad limit', async () => {
      const store = await createStore();
      const at = '2026-11-30T10:00:00.000Z';
      const finding = (code: string, severity: 'critical' | 'low') =>
        ({ code, severity, title: code, detail: code } as any);
      await store.replace({
        refreshedAt: at,
        sources: [],
        bindings: [
          binding(
            'p',
            {
              owner: 'group:default/payments',
              severity: 'low',
              findings: [finding('ROLE_NO_SERVICE_ACCOUNT', 'low')],
            },
            at,
          ),
          binding(
            'q',
            {
              owner: 'group:default/platform',
              severity: 'critical',
              findings: [finding('PERMISSIONS_ADMIN', 'critical')],
            },
            at,
          ),
          binding('r', {}, at),
        ],
      });
      const ids = async (q: object) =>
        (await store.list(q)).items.map(b => b.id);
      expect(await ids({ owner: 'group:default/payments' })).toEqual(['p']);
      expect(await ids({ owner: 'none' })).toEqual(['r']);
      expect(
        await ids({ owners: ['group:default/platform', 'user:default/x'] }),
      ).toEqual(['q']);
      expect(await ids({ owners: [] })).toEqual([]);
      expect(await ids({ severity: 'critical' })).toEqual(['q']);
      expect(await ids({ severity: 'low' })).toEqual(['p', 'q']);
      expect(await ids({ code: 'ROLE_NO_SERVICE_ACCOUNT' })).toEqual(['p']);
      await expect(store.list({ limit: 0 })).rejects.toThrow(/limit/);
    });
  },
);
