/*
 * POST /provision/plan through the real HTTP route against the sandbox (moto and the
 * kube-apiserver): what it plans, what it refuses, and that it writes nothing.
 * Needs a running, seeded sandbox.
 */
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { irsaPlugin } from '../plugin';
import { validateAgainstSpec } from '../schema/__testUtils__/validateAgainstSpec';
import {
  loadSettings,
  sandboxAppConfig,
  SANDBOX_ACCOUNT_ID,
} from '../__testUtils__/sandboxSettings';

const OWNER = 'user:default/payments-owner';
const s = loadSettings();

function component(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/team-payments',
      lifecycle: 'production',
    },
  };
}

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

let server: Parameters<typeof request>[0];
const iam = new IAMClient({
  endpoint: s.AWS_ENDPOINT_URL,
  region: 'us-east-1',
  credentials: {
    accessKeyId: s.AWS_ACCESS_KEY_ID,
    secretAccessKey: s.AWS_SECRET_ACCESS_KEY,
  },
});

async function roleNames() {
  const roles = await iam.send(new ListRolesCommand({ MaxItems: 1000 }));
  return (roles.Roles ?? []).map(r => r.RoleName).sort();
}
function serviceAccounts() {
  return execFileSync(
    'kubectl',
    [
      '--kubeconfig',
      s.IRSA_SANDBOX_KUBECONFIG,
      'get',
      'serviceaccounts',
      '-A',
      '-o',
      'json',
    ],
    { encoding: 'utf8' },
  )
    .match(/"(name|resourceVersion)": "[^"]*"/g)!
    .join(',');
}
async function estate() {
  return { roles: await roleNames(), serviceAccounts: serviceAccounts() };
}

beforeAll(async () => {
  const backend = await startTestBackend({
    features: [
      irsaPlugin,
      catalogServiceMock.factory({
        entities: [
          component('payments-api', {
            'backstage.io/kubernetes-id': 'payments-api',
          }),
          component('payments-reporter', {
            'backstage.io/kubernetes-id': 'payments-reporter',
            'backstage.io/kubernetes-namespace': 'payments',
          }),
        ],
      }),
      mockServices.permissions.mock({ authorize: authorize as any }).factory,
      mockServices.rootConfig.factory({ data: sandboxAppConfig(s) }),
    ],
  });
  server = backend.server;
}, 60_000);

const fresh = {
  entityRef: 'component:default/payments-reporter',
  cluster: 'demo-east',
  namespace: 'payments',
  serviceAccount: 'payments-reporter',
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

function plan(body: object, user = OWNER) {
  return request(server)
    .post('/api/irsa/provision/plan')
    .set('Authorization', mockCredentials.user.header(user))
    .send(body);
}

describe('POST /provision/plan against the sandbox', () => {
  it('plans a new role and service account, and writes nothing', async () => {
    const before = await estate();
    const res = await plan(fresh);
    expect(res.status).toBe(200);
    expect(validateAgainstSpec('ProvisionResult', res.body)).toEqual([]);
    expect(res.body.roleArn).toMatch(
      new RegExp(
        `^arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/irsa-demo-east-payments-payments-reporter-[0-9a-f]{8}$`,
      ),
    );
    expect(res.body.serviceAccount).toEqual({
      cluster: 'demo-east',
      namespace: 'payments',
      name: 'payments-reporter',
    });
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
    expect(await estate()).toEqual(before);
  });

  it('plans only the annotation for an existing service account of the entity', async () => {
    // payments-api is annotated with irsa-demo-payments-api, a role the seed did not tag as ours.
    const res = await plan({
      entityRef: 'component:default/payments-api',
      cluster: 'demo-east',
      namespace: 'payments',
      serviceAccount: 'payments-api',
      roleName: 'irsa-demo-payments-api',
      adoptExistingRole: true,
    });
    expect(res.status).toBe(200);
    expect(
      res.body.changes.map((c: { target: string }) => c.target),
    ).not.toContain('service-account');
    expect(res.body.changes).toContainEqual(
      expect.objectContaining({ target: 'role', action: 'update' }),
    );
  });

  it.each([
    [
      'a role that is not ours',
      {
        entityRef: 'component:default/payments-api',
        serviceAccount: 'new-sa',
        roleName: 'irsa-demo-payments-api',
      },
      409,
      'is not managed by irsa-backstage',
    ],
    [
      'a service account annotated with another role',
      {
        entityRef: 'component:default/payments-api',
        serviceAccount: 'payments-api',
      },
      409,
      'is annotated with another role',
    ],
    [
      'a service account of another entity',
      { serviceAccount: 'payments-api' },
      409,
      'labelled backstage.io/kubernetes-id=payments-api',
    ],
    [
      'a missing namespace',
      { entityRef: 'component:default/payments-api', namespace: 'nowhere-yet' },
      409,
      'Namespace nowhere-yet does not exist',
    ],
    [
      'another namespace than the entity declares',
      { namespace: 'billing' },
      403,
      'backstage.io/kubernetes-namespace: payments',
    ],
    [
      'an entity not in the catalog',
      { entityRef: 'component:default/ghost' },
      404,
      'No entity component:default/ghost',
    ],
  ])('refuses %s', async (_name, change, status, message) => {
    const before = await estate();
    const res = await plan({ ...fresh, ...change });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(message);
    expect(await estate()).toEqual(before);
  });

  it('refuses a service caller: provisioning acts for a person (403)', async () => {
    const res = await request(server)
      .post('/api/irsa/provision/plan')
      .set('Authorization', mockCredentials.service.header())
      .send(fresh);
    expect(res.status).toBe(403);
  });

  it('refuses a caller who does not own the entity (403)', async () => {
    const res = await plan(fresh, 'user:default/someone-else');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      'You may not provision IAM roles for component:default/payments-reporter',
    );
  });

  it('refuses an unauthenticated caller (401)', async () => {
    const res = await request(server)
      .post('/api/irsa/provision/plan')
      .set('Authorization', mockCredentials.none.header())
      .send(fresh);
    expect(res.status).toBe(401);
  });

  it('answers bad input with 400 naming the field, before any permission check', async () => {
    authorize.mockClear();
    const res = await plan({
      ...fresh,
      inlinePolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'inlinePolicy.Statement[0].Action: "iam:*" is forbidden by irsa.provisioning.guardrails.forbiddenActions',
    );
    expect(authorize).not.toHaveBeenCalled();
  });
});
