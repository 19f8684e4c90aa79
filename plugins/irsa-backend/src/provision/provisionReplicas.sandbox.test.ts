/*
 * Two backend processes on one PostgreSQL: concurrent applies for the same service account,
 * one sent to each replica, create one role — the claim is a row in the shared database, not a
 * lock in one process — and what one replica audits the other serves. Needs a running, seeded
 * sandbox and PostgreSQL (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING; scripts/test
 * starts one). Everything created here is removed afterwards, the database included.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import knexFactory from 'knex';
import {
  createSandboxScratch,
  loadSettings,
  sandboxAppConfig,
} from '../__testUtils__/sandboxSettings';
import {
  databasePrefix,
  Replica,
  startReplica,
} from '../__testUtils__/replicas';

const POSTGRES =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
if (!POSTGRES && process.env.IRSA_REQUIRE_POSTGRES === 'true') {
  throw new Error(
    'IRSA_REQUIRE_POSTGRES is set but no PostgreSQL connection string is',
  );
}
const describeWithPostgres = POSTGRES ? describe : describe.skip;

const OWNER = 'user:default/replica-owner';
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'replica-svc',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'replica-svc' },
  },
  spec: { type: 'service', owner: OWNER, lifecycle: 'production' },
};

describeWithPostgres(
  'provisioning across two backend processes sharing PostgreSQL',
  () => {
    const s = loadSettings();
    const scratch = createSandboxScratch(s, 'rep');
    const prefix = databasePrefix();
    const replicas: Replica[] = [];

    beforeAll(async () => {
      const options = {
        postgres: POSTGRES!,
        prefix,
        appConfig: sandboxAppConfig(s),
        entities: [entity],
      };
      // One after the other, as a rolling deployment starts them: the first runs the migrations.
      replicas.push(await startReplica(options));
      replicas.push(await startReplica(options));
    }, 200_000);

    afterAll(async () => {
      await Promise.all(replicas.map(r => r.stop()));
      await scratch.cleanup();
      const admin = knexFactory({ client: 'pg', connection: POSTGRES });
      await admin.raw(`DROP DATABASE IF EXISTS "${prefix}irsa"`);
      await admin.destroy();
    }, 60_000);

    async function apply(replica: Replica, namespace: string) {
      const res = await fetch(`${replica.baseUrl}/api/irsa/provision/apply`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: mockCredentials.user.header(OWNER),
        },
        body: JSON.stringify({
          entityRef: 'component:default/replica-svc',
          cluster: 'demo-east',
          namespace,
          serviceAccount: 'replica-svc',
          managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
        }),
      });
      const body = await res.json();
      if (body.roleArn) scratch.trackRole(body.roleArn);
      return { status: res.status, body };
    }

    it('creates one role when both replicas apply the same request at once', async () => {
      // Several rounds, so that the two runs overlap in at least some of them.
      for (const round of ['r1', 'r2', 'r3']) {
        const ns = scratch.namespace(round);
        const [a, b] = await Promise.all([
          apply(replicas[0], ns),
          apply(replicas[1], ns),
        ]);
        expect([
          [200, 200],
          [200, 409],
        ]).toContainEqual([a.status, b.status].sort());
        const creates = [a, b].filter(
          r =>
            r.status === 200 &&
            r.body.changes.some(
              (c: any) => c.target === 'role' && c.action === 'create',
            ),
        );
        expect(creates).toHaveLength(1);
        const sa = scratch.readServiceAccount(ns, 'replica-svc');
        expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
          creates[0].body.roleArn,
        );
      }
      // No claim outlives its run.
      const db = knexFactory({
        client: 'pg',
        connection: `${POSTGRES}/${prefix}irsa`,
      });
      try {
        expect(await db('irsa_provision_claims').count({ n: '*' })).toEqual([
          { n: '0' },
        ]);
      } finally {
        await db.destroy();
      }
    });

    it('serves from one replica the audit rows the other wrote', async () => {
      const read = async (replica: Replica) => {
        const query = new URLSearchParams({
          entityRef: 'component:default/replica-svc',
          limit: '500',
        });
        const res = await fetch(`${replica.baseUrl}/api/irsa/audit?${query}`, {
          headers: { authorization: mockCredentials.user.header(OWNER) },
        });
        const body = await res.json();
        expect({ status: res.status, error: body.error?.message }).toEqual({
          status: 200,
        });
        return body.items;
      };
      const [fromA, fromB] = [await read(replicas[0]), await read(replicas[1])];
      expect(fromA).toEqual(fromB);
      expect(fromA.filter((e: any) => e.result === 'succeeded')).toHaveLength(
        3,
      );
    });
  },
);
