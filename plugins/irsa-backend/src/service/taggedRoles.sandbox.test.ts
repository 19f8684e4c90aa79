/*
 * The third linking rule on the entity view, through the real plugin against the sandbox:
 * roles tagged backstage.io/entity-ref for payments-api that no service account uses show on
 * its view (read from the inventory, source 'tag', ROLE_NO_SERVICE_ACCOUNT), and one leaves
 * the tag list as soon as a service account of the entity uses it; a new pod shows on the
 * next views although views are reused while unchanged. Needs a running, seeded
 * sandbox; the roles and the namespace are scratch, removed afterwards.
 */
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { buildIrsaTrustPolicy } from '@irsa-backstage/plugin-irsa-common';
import request from 'supertest';
import { irsaPlugin } from '../plugin';
import {
  createSandboxScratch,
  loadSettings,
  sandboxAppConfig,
  SandboxScratch,
  SANDBOX_ACCOUNT_ID,
} from '../__testUtils__/sandboxSettings';
import { validateAgainstSpec } from '../schema/__testUtils__/validateAgainstSpec';

const s = loadSettings();
const ENTITY_REF = 'component:default/payments-api';

let scratch: SandboxScratch;
let namespace: string;
let server: Parameters<typeof request>[0];
let provisioned: string;
let untargeted: string;

async function createTaggedRole(
  name: string,
  issuer: string,
  tags: Record<string, string>,
) {
  const { Role } = await scratch.iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify(
        buildIrsaTrustPolicy({
          accountId: SANDBOX_ACCOUNT_ID,
          oidcIssuer: issuer,
          namespace,
          serviceAccount: 'worker',
          audience: 'sts.amazonaws.com',
        }),
      ),
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  scratch.trackRole(name);
  return Role!.Arn!;
}

beforeAll(async () => {
  scratch = createSandboxScratch(s, 'tagged');
  namespace = scratch.namespace('t');
  // As provisioning tags a role it made for payments-api's service account-to-be.
  provisioned = await createTaggedRole(
    `${namespace}-provisioned`,
    s.IRSA_SANDBOX_DEMO_EAST_ISSUER,
    {
      'backstage.io/entity-ref': ENTITY_REF,
      'irsa.backstage.io/cluster': 'demo-east',
      'irsa.backstage.io/service-account': `${namespace}/worker`,
    },
  );
  // Tagged by hand, trusting no configured cluster and naming no service account.
  untargeted = await createTaggedRole(
    `${namespace}-untargeted`,
    'https://oidc.example.invalid/id/none',
    { 'backstage.io/entity-ref': ENTITY_REF },
  );
  const config = sandboxAppConfig(s);
  const backend = await startTestBackend({
    features: [
      irsaPlugin,
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'payments-api',
              annotations: { 'backstage.io/kubernetes-id': 'payments-api' },
            },
            spec: { type: 'service', owner: 'group:default/team-payments' },
          },
        ],
      }),
      // Runs the inventory's refresh once at start-up, and waits for it.
      mockServices.scheduler.factory({
        includeInitialDelayedTasksOnStartup: true,
      }),
      mockServices.rootConfig.factory({
        data: {
          ...config,
          irsa: { ...config.irsa, inventory: { initialDelaySeconds: 0 } },
        },
      }),
    ],
  });
  server = backend.server;
}, 120_000);

afterAll(async () => {
  await scratch?.cleanup();
});

const view = () =>
  request(server)
    .get('/api/irsa/entities/default/component/payments-api/bindings')
    .set('Authorization', mockCredentials.user.header());

const withRole = (body: any, arn: string) =>
  body.bindings.filter((b: any) => b.roleArn === arn);

async function inventoryRefreshed() {
  for (let i = 0; i < 120; i++) {
    const res = await request(server)
      .get('/api/irsa/bindings')
      .query({ limit: '1' })
      .set('Authorization', mockCredentials.user.header());
    if (res.body.refreshedAt) return;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error('the inventory was not refreshed within 60 s');
}

describe('roles tagged for an entity on its view (sandbox)', () => {
  it('shows roles no service account uses, and drops one once a service account uses it', async () => {
    await inventoryRefreshed();
    const before = await view();
    expect(before.status).toBe(200);
    expect(validateAgainstSpec('EntityBindings', before.body)).toEqual([]);
    expect(withRole(before.body, provisioned)).toEqual([
      expect.objectContaining({
        source: 'tag',
        serviceAccount: { cluster: 'demo-east', namespace, name: 'worker' },
        serviceAccountExists: false,
        entityRef: ENTITY_REF,
        pods: [],
        findings: expect.arrayContaining([
          expect.objectContaining({ code: 'ROLE_NO_SERVICE_ACCOUNT' }),
        ]),
      }),
    ]);
    // Its tags name no service account: the reference is left empty.
    expect(withRole(before.body, untargeted)).toEqual([
      expect.objectContaining({
        source: 'tag',
        serviceAccount: { cluster: '', namespace: '', name: '' },
        serviceAccountExists: false,
        findings: expect.arrayContaining([
          expect.objectContaining({ code: 'ROLE_NO_SERVICE_ACCOUNT' }),
        ]),
      }),
    ]);

    // A service account of payments-api starts using the provisioned role.
    scratch.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: 'worker',
          namespace,
          labels: { 'backstage.io/kubernetes-id': 'payments-api' },
          annotations: { 'eks.amazonaws.com/role-arn': provisioned },
        },
      }),
    );
    // The watch brings it in within moments; the inventory is not refreshed again.
    let after: any;
    for (let i = 0; i < 40; i++) {
      after = (await view()).body;
      if (withRole(after, provisioned)[0]?.source === 'annotation') break;
      await new Promise(r => setTimeout(r, 250));
    }
    expect(withRole(after, provisioned)).toEqual([
      expect.objectContaining({
        source: 'annotation',
        serviceAccount: { cluster: 'demo-east', namespace, name: 'worker' },
        serviceAccountExists: true,
      }),
    ]);
    expect(withRole(after, untargeted)).toHaveLength(1);

    // A pod starts running as it: the next views show it (views are reused only while the
    // watched service accounts and pods stay the same).
    scratch.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'worker-1', namespace },
        spec: {
          serviceAccountName: 'worker',
          containers: [{ name: 'app', image: 'busybox' }],
        },
      }),
    );
    let pods: any[] = [];
    for (let i = 0; i < 40 && pods.length === 0; i++) {
      await new Promise(r => setTimeout(r, 250));
      pods = withRole((await view()).body, provisioned)[0].pods;
    }
    expect(pods.map((p: any) => p.name)).toEqual(['worker-1']);
  }, 60_000);
});
