/*
 * POST /provision/apply through the real HTTP route against the sandbox (moto and the
 * kube-apiserver): what it creates, that a repeat changes nothing, that a failure after
 * the role's creation leaves no role behind, and that concurrent applies create one role.
 * Needs a running, seeded sandbox. Everything created here is removed afterwards.
 */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  buildIrsaTrustPolicy,
  decodePolicyText,
} from '@irsa-backstage/plugin-irsa-common';
import request from 'supertest';
import { irsaPlugin } from '../plugin';
import { validateAgainstSpec } from '../schema/__testUtils__/validateAgainstSpec';
import {
  createSandboxScratch,
  loadSettings,
  roleNameOf as roleName,
  sandboxAppConfig,
} from '../__testUtils__/sandboxSettings';

const OWNER = 'user:default/payments-owner';
const s = loadSettings();
const scratch = createSandboxScratch(s, 'ap');
const { iam, kubectl, roleExists } = scratch;
const namespace = scratch.namespace;
const readSa = scratch.readServiceAccount;

const authorize = jest.fn(
  async (requests: unknown[], options: { credentials: unknown }) => {
    const principal = (
      options.credentials as { principal?: { userEntityRef?: string } }
    ).principal;
    return requests.map(() => ({
      result:
        principal?.userEntityRef === OWNER
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    }));
  },
);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'apply-svc',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'apply-svc' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-payments',
    lifecycle: 'production',
  },
};

let server: Parameters<typeof request>[0];

/** The auditor events of the run: their id and how they ended. */
const auditEvents: Array<{ eventId: string; outcome?: string }> = [];
const auditor = mockServices.auditor.mock({
  createEvent: async (options: { eventId: string }) => {
    const event: { eventId: string; outcome?: string } = {
      eventId: options.eventId,
    };
    auditEvents.push(event);
    return {
      success: async () => {
        event.outcome = 'success';
      },
      fail: async () => {
        event.outcome = 'fail';
      },
    };
  },
} as any);
const applyEvents = () =>
  auditEvents.filter(e => e.eventId === 'provision-apply').map(e => e.outcome);

beforeAll(async () => {
  const backend = await startTestBackend({
    features: [
      irsaPlugin,
      catalogServiceMock.factory({ entities: [entity] }),
      mockServices.permissions.mock({ authorize: authorize as any }).factory,
      mockServices.rootConfig.factory({ data: sandboxAppConfig(s) }),
      auditor.factory,
    ],
  });
  server = backend.server;
}, 60_000);

afterAll(() => scratch.cleanup(), 60_000);

function body(ns: string, sa = 'apply-svc') {
  return {
    entityRef: 'component:default/apply-svc',
    cluster: 'demo-east',
    namespace: ns,
    serviceAccount: sa,
    managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
    inlinePolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::reports/*',
        },
      ],
    },
  };
}
function call(path: 'plan' | 'apply', b: object, user = OWNER) {
  return request(server)
    .post(`/api/irsa/provision/${path}`)
    .set('Authorization', mockCredentials.user.header(user))
    .send(b);
}
async function apply(b: object, user = OWNER) {
  const res = await call('apply', b, user);
  if (res.body?.roleArn) scratch.trackRole(res.body.roleArn);
  return res;
}

describe('POST /provision/apply against the sandbox', () => {
  it('creates the role and the service account, and a repeat changes nothing', async () => {
    const ns = namespace('fresh');
    const res = await apply(body(ns));
    expect(res.status).toBe(200);
    expect(validateAgainstSpec('ProvisionResult', res.body)).toEqual([]);
    expect(
      res.body.changes.map(
        (c: { target: string; action: string }) => `${c.target} ${c.action}`,
      ),
    ).toEqual([
      'role create',
      'managed-policy attach',
      'inline-policy put',
      'service-account create',
    ]);
    expect(res.body.verdict.allowed).toBe(true);

    const name = roleName(res.body.roleArn);
    const role = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role!;
    const trust = JSON.parse(decodePolicyText(role.AssumeRolePolicyDocument!));
    expect(trust).toEqual(
      JSON.parse(
        JSON.stringify(
          buildIrsaTrustPolicy({
            accountId: '123456789012',
            oidcIssuer: s.IRSA_SANDBOX_DEMO_EAST_ISSUER,
            namespace: ns,
            serviceAccount: 'apply-svc',
            audience: 'sts.amazonaws.com',
          }),
        ),
      ),
    );
    const tags = Object.fromEntries(
      (role.Tags ?? []).map(t => [t.Key, t.Value]),
    );
    expect(tags).toMatchObject({
      'managed-by': 'irsa-backstage',
      'backstage.io/entity-ref': 'component:default/apply-svc',
    });

    const sa = readSa(ns, 'apply-svc');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      res.body.roleArn,
    );
    expect(sa.metadata.labels['backstage.io/kubernetes-id']).toBe('apply-svc');

    expect(applyEvents().at(-1)).toBe('success');

    const again = await apply(body(ns));
    expect(again.status).toBe(200);
    expect(again.body.changes).toEqual([]);
    expect(readSa(ns, 'apply-svc').metadata.resourceVersion).toBe(
      sa.metadata.resourceVersion,
    );
  });

  it('annotates an existing plain service account and keeps its other labels and annotations', async () => {
    const ns = namespace('plain');
    kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: 'apply-svc',
          namespace: ns,
          labels: { team: 'payments' },
          annotations: { 'example.com/note': 'keep me' },
        },
      }),
    );
    const res = await apply(body(ns));
    expect(res.status).toBe(200);
    expect(res.body.changes).toContainEqual(
      expect.objectContaining({
        target: 'service-account',
        action: 'annotate',
      }),
    );
    const sa = readSa(ns, 'apply-svc');
    expect(sa.metadata.labels).toEqual({
      team: 'payments',
      'backstage.io/kubernetes-id': 'apply-svc',
    });
    expect(sa.metadata.annotations).toMatchObject({
      'example.com/note': 'keep me',
      'eks.amazonaws.com/role-arn': res.body.roleArn,
    });
  });

  it('removes the role it created when creating the service account fails', async () => {
    const ns = namespace('quota');
    kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'no-service-accounts', namespace: ns },
        spec: { hard: { 'count/serviceaccounts': '0' } },
      }),
    );
    // No controller manager computes the quota's status; quota admission enforces only what it states.
    kubectl([
      'patch',
      'resourcequota',
      'no-service-accounts',
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          hard: { 'count/serviceaccounts': '0' },
          used: { 'count/serviceaccounts': '0' },
        },
      }),
    ]);
    const planned = await call('plan', body(ns, 'blocked'));
    expect(planned.status).toBe(200);
    const name = roleName(planned.body.roleArn);
    scratch.trackRole(name);

    const res = await apply(body(ns, 'blocked'));
    expect(res.status).toBe(500);
    expect(res.body.error.message).toContain(
      `failed at "create service account demo-east/${ns}/blocked"`,
    );
    expect(res.body.error.message).toContain(
      `Undone, in reverse: put inline policy irsa-backstage; attach arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess; create role ${planned.body.roleArn}`,
    );
    expect(await roleExists(name)).toBe(false);
    expect(applyEvents().at(-1)).toBe('fail');
  });

  it('creates one role for two concurrent applies', async () => {
    const ns = namespace('race');
    const [a, b] = await Promise.all([apply(body(ns)), apply(body(ns))]);
    const statuses = [a.status, b.status].sort();
    expect([
      [200, 200],
      [200, 409],
    ]).toContainEqual(statuses);
    const ok = [a, b].filter(r => r.status === 200);
    const created = ok.filter(r =>
      r.body.changes.some(
        (c: { target: string; action: string }) =>
          c.target === 'role' && c.action === 'create',
      ),
    );
    expect(created).toHaveLength(1);
    expect(await roleExists(roleName(a.body.roleArn ?? b.body.roleArn))).toBe(
      true,
    );
  });

  it('refuses a caller who does not own the entity (403) and writes nothing', async () => {
    const ns = namespace('denied');
    const planned = await call('plan', body(ns));
    const res = await apply(body(ns), 'user:default/someone-else');
    expect(res.status).toBe(403);
    expect(await roleExists(roleName(planned.body.roleArn))).toBe(false);
  });
});
