/*
 * The aws:irsa:create handler against the real IRSA backend (started in this process) and the
 * sandbox (moto and the kube-apiserver): dry run, apply, repeat, refusal, and the audit trail
 * the runs leave, read back through GET /audit. Needs a running, seeded sandbox; everything
 * created here is removed afterwards.
 */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// The real IRSA backend, started in the test: the action is only as good as the calls it makes.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import irsaPlugin from '@irsa-backstage/plugin-irsa-backend';
import { IrsaService, irsaServiceRef } from '@irsa-backstage/plugin-irsa-node';
import {
  createSandboxScratch,
  loadSettings,
  roleNameOf,
  sandboxAppConfig,
} from '@irsa-backstage/sandbox-test-utils';
import { createIrsaCreateAction } from './irsaCreate';

const OWNER = 'user:default/action-owner';
const AUDITOR = 'user:default/auditor';
const s = loadSettings();
const scratch = createSandboxScratch(s, 'act');

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'action-svc',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'action-svc' },
  },
  spec: { type: 'service', owner: OWNER, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: OWNER }],
};

/** Owners may provision; only the auditor reads the whole audit trail. */
const authorize = async (
  requests: Array<{ permission: { name: string } }>,
  options: { credentials: unknown },
) => {
  const user = (
    options.credentials as { principal?: { userEntityRef?: string } }
  ).principal?.userEntityRef;
  return requests.map(({ permission }) => ({
    result:
      (permission.name === 'irsa.binding.create' && user === OWNER) ||
      (permission.name === 'irsa.inventory.read' && user === AUDITOR)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  }));
};

let irsa: IrsaService;

beforeAll(async () => {
  await startTestBackend({
    features: [
      irsaPlugin,
      createBackendModule({
        pluginId: 'irsa',
        moduleId: 'probe',
        register(env) {
          env.registerInit({
            deps: { service: irsaServiceRef },
            async init({ service }) {
              irsa = service;
            },
          });
        },
      }),
      catalogServiceMock.factory({ entities: [entity] }),
      mockServices.permissions.mock({ authorize: authorize as any }).factory,
      mockServices.rootConfig.factory({ data: sandboxAppConfig(s) }),
    ],
  });
}, 60_000);

afterAll(() => scratch.cleanup(), 60_000);

function run(input: object, user: string, isDryRun = false) {
  const ctx = {
    ...createMockActionContext({ input }),
    isDryRun,
    getInitiatorCredentials: async () => mockCredentials.user(user),
  };
  const outputs: Record<string, any> = {};
  (ctx.output as jest.Mock).mockImplementation(
    (name: string, value: unknown) => {
      outputs[name] = value;
    },
  );
  return createIrsaCreateAction({ irsa })
    .handler(ctx as any)
    .then(() => outputs);
}

describe('aws:irsa:create against the real backend and the sandbox', () => {
  it('plans in a dry run, applies, and changes nothing on a repeat', async () => {
    const ns = scratch.namespace('a');
    const input = {
      entityRef: 'component:default/action-svc',
      cluster: 'demo-east',
      namespace: ns,
      serviceAccount: 'action-svc',
      managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
    };

    const planned = await run(input, OWNER, true);
    scratch.trackRole(planned.roleArn);
    expect(planned.changes.map((c: any) => `${c.target} ${c.action}`)).toEqual([
      'role create',
      'managed-policy attach',
      'service-account create',
    ]);
    expect(await scratch.roleExists(roleNameOf(planned.roleArn))).toBe(false);

    const applied = await run(input, OWNER);
    expect(applied.roleArn).toBe(planned.roleArn);
    expect(applied.changes).toEqual(planned.changes);
    expect(applied.allowed).toBe(true);
    expect(applied.serviceAccount).toEqual({
      cluster: 'demo-east',
      namespace: ns,
      name: 'action-svc',
    });
    const role = await scratch.iam.send(
      new GetRoleCommand({ RoleName: roleNameOf(applied.roleArn) }),
    );
    expect(role.Role?.Tags).toContainEqual({
      Key: 'backstage.io/entity-ref',
      Value: 'component:default/action-svc',
    });
    const sa = scratch.readServiceAccount(ns, 'action-svc');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      applied.roleArn,
    );

    const repeated = await run(input, OWNER);
    expect(repeated.changes).toEqual([]);
    expect(repeated.allowed).toBe(true);

    // The audit trail through GET /audit: the owner sees the entity's runs, newest first.
    const own = await irsa.listAuditEvents(
      { entityRef: 'component:default/action-svc' },
      { credentials: mockCredentials.user(OWNER) },
    );
    expect(
      own.items.slice(0, 2).map(e => [e.actor, e.result, e.namespace]),
    ).toEqual([
      [OWNER, 'unchanged', ns],
      [OWNER, 'succeeded', ns],
    ]);
    expect(own.items[1].roleArn).toBe(applied.roleArn);
  });

  it("refuses someone else's run with the backend's 403 and creates nothing", async () => {
    const ns = scratch.namespace('b');
    const input = {
      entityRef: 'component:default/action-svc',
      cluster: 'demo-east',
      namespace: ns,
      serviceAccount: 'action-svc',
    };
    const planned = await run(input, OWNER, true);
    await expect(run(input, 'user:default/intruder')).rejects.toThrow(
      'The IRSA backend answered 403 NotAllowedError: You may not provision IAM roles for component:default/action-svc',
    );
    expect(await scratch.roleExists(roleNameOf(planned.roleArn))).toBe(false);
    expect(() => scratch.readServiceAccount(ns, 'action-svc')).toThrow(
      /NotFound/,
    );

    // The refusal is in the audit trail: the auditor sees it; the intruder owns nothing.
    const all = await irsa.listAuditEvents(
      { limit: 5 },
      { credentials: mockCredentials.user(AUDITOR) },
    );
    expect(all.items[0]).toMatchObject({
      actor: 'user:default/intruder',
      result: 'refused',
      namespace: ns,
    });
    const intruders = await irsa.listAuditEvents(
      {},
      { credentials: mockCredentials.user('user:default/intruder') },
    );
    expect(intruders.items).toEqual([]);
    await expect(
      irsa.listAuditEvents(
        { entityRef: 'component:default/action-svc' },
        { credentials: mockCredentials.user('user:default/intruder') },
      ),
    ).rejects.toMatchObject({ statusCode: 403 });
  });
});
