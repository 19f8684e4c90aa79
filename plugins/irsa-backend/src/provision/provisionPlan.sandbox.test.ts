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

const allow = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Resource: '*' }],
};
const withAction = (Action: unknown) => ({
  ...allow,
  Statement: [{ ...allow.Statement[0], Action }],
});

/** Bad requests, each with the field its 400 must name. */
const BAD_REQUESTS: Array<[string, object, string]> = [
  ['entity ref without kind', { entityRef: 'payments-reporter' }, 'entityRef:'],
  [
    'entity ref with spaces',
    { entityRef: 'component:default/pay ments' },
    'entityRef:',
  ],
  [
    'unknown cluster',
    { cluster: 'demo-north' },
    'cluster: no cluster "demo-north"',
  ],
  ['namespace in capitals', { namespace: 'Payments' }, 'namespace:'],
  ['namespace of 64 characters', { namespace: 'n'.repeat(64) }, 'namespace:'],
  ['namespace with a dot', { namespace: 'pay.ments' }, 'namespace:'],
  [
    'service account with _',
    { serviceAccount: 'payments_reporter' },
    'serviceAccount:',
  ],
  [
    'service account of 254 characters',
    { serviceAccount: 's'.repeat(254) },
    'serviceAccount:',
  ],
  [
    'role name of 65 characters',
    { roleName: `irsa-${'r'.repeat(60)}` },
    'roleName:',
  ],
  [
    'role name with a space',
    { roleName: 'irsa-payments reporter' },
    'roleName:',
  ],
  [
    'role name without the prefix',
    { roleName: 'payments-reporter' },
    'roleName:',
  ],
  [
    'policy name instead of ARN',
    { managedPolicyArns: ['AmazonS3ReadOnlyAccess'] },
    'managedPolicyArns[0]:',
  ],
  [
    'S3 ARN as policy ARN',
    { managedPolicyArns: ['arn:aws:s3:::bucket'] },
    'managedPolicyArns[0]:',
  ],
  [
    'policy of another account',
    { managedPolicyArns: ['arn:aws:iam::999999999999:policy/p'] },
    'managedPolicyArns[0]:',
  ],
  [
    'eleven managed policies',
    {
      managedPolicyArns: Array.from(
        { length: 11 },
        (_, i) => `arn:aws:iam::aws:policy/P${i}`,
      ),
    },
    'managedPolicyArns:',
  ],
  [
    'AdministratorAccess',
    { managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    'managedPolicyArns[0]:',
  ],
  [
    'inline policy that is not JSON',
    { inlinePolicy: '{"Statement": [' },
    'inlinePolicy:',
  ],
  [
    'inline policy without Statement',
    { inlinePolicy: { Version: '2012-10-17' } },
    'inlinePolicy',
  ],
  [
    'inline policy with a Principal',
    {
      inlinePolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: '*',
          },
        ],
      },
    },
    'inlinePolicy:',
  ],
  [
    'inline policy with a bad version',
    {
      inlinePolicy: {
        Version: '2020-01-01',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      },
    },
    'inlinePolicy:',
  ],
  [
    'oversized inline policy',
    {
      inlinePolicy: {
        Version: '2012-10-17',
        Statement: Array.from({ length: 150 }, (_, i) => ({
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${'b'.repeat(50)}-${i}/*`,
        })),
      },
    },
    'inlinePolicy: is',
  ],
  [
    'Action *',
    { inlinePolicy: withAction('*') },
    'inlinePolicy.Statement[0].Action: "*" is forbidden',
  ],
  [
    'Action iam:*',
    { inlinePolicy: withAction('iam:*') },
    'inlinePolicy.Statement[0].Action: "iam:*" is forbidden',
  ],
  [
    'iam:PassRole',
    { inlinePolicy: withAction(['s3:GetObject', 'iam:PassRole']) },
    'inlinePolicy.Statement[0].Action: "iam:PassRole" is forbidden',
  ],
  [
    'iam:Attach*',
    { inlinePolicy: withAction('iam:Attach*') },
    'inlinePolicy.Statement[0].Action: "iam:Attach*" is forbidden',
  ],
  [
    'NotAction',
    {
      inlinePolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', NotAction: 'ec2:*', Resource: '*' }],
      },
    },
    'inlinePolicy.Statement[0].NotAction:',
  ],
  [
    'boundary that is not an ARN',
    { permissionsBoundaryArn: 'boundary' },
    'permissionsBoundaryArn:',
  ],
  ['audience with a wildcard', { audience: 'sts.*' }, 'audience:'],
  ['aws: tag', { tags: { 'aws:cost': '1' } }, 'tags["aws:cost"]:'],
  [
    "provisioning's own tag",
    { tags: { 'backstage.io/entity-ref': 'component:default/other' } },
    'tags["backstage.io/entity-ref"]:',
  ],
  [
    'tag value of 257 characters',
    { tags: { owner: 'o'.repeat(257) } },
    'tags["owner"]:',
  ],
  [
    'too many tags',
    {
      tags: Object.fromEntries(
        Array.from({ length: 47 }, (_, i) => [`t${i}`, 'v']),
      ),
    },
    'tags:',
  ],
  [
    'a field the contract does not know',
    { roleArn: 'arn:aws:iam::123456789012:role/x' },
    '',
  ],
  ['a number for the namespace', { namespace: 7 }, ''],
];

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
/** `kubectl get` of one object's resourceVersion, or `absent` (also for a name kubectl refuses). */
function resourceVersionOf(args: string[]): string {
  try {
    return execFileSync(
      'kubectl',
      [
        '--kubeconfig',
        s.IRSA_SANDBOX_KUBECONFIG,
        'get',
        ...args,
        '-o',
        'jsonpath={.metadata.resourceVersion}',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } catch {
    return 'absent';
  }
}

/**
 * What a plan for these requests could write: roles named for their namespaces, their
 * service accounts and namespaces. Scoped to them, not the whole sandbox, because other
 * test files create scratch roles and service accounts at the same time.
 */
async function estate(requests: Array<Record<string, unknown>>) {
  const targets = requests.map(r => ({
    namespace: String(r.namespace),
    serviceAccount: String(r.serviceAccount),
  }));
  const roles = (await roleNames()).filter(name =>
    targets.some(t => name?.startsWith(`irsa-demo-east-${t.namespace}-`)),
  );
  return {
    roles,
    objects: targets.map(t => [
      resourceVersionOf(['namespace', t.namespace]),
      resourceVersionOf([
        'serviceaccount',
        '-n',
        t.namespace,
        t.serviceAccount,
      ]),
    ]),
  };
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
    const before = await estate([fresh]);
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
    expect(await estate([fresh])).toEqual(before);
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
    const candidate = { ...fresh, ...change };
    const before = await estate([candidate]);
    const res = await plan(candidate);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(message);
    expect(await estate([candidate])).toEqual(before);
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

  it(`answers each of ${BAD_REQUESTS.length} bad requests with 400 naming the field, reading and writing nothing`, async () => {
    const requests = BAD_REQUESTS.map(([, change]) => ({
      ...fresh,
      ...change,
    }));
    const before = await estate(requests);
    authorize.mockClear();
    for (const [name, change, field] of BAD_REQUESTS) {
      const res = await plan({ ...fresh, ...change });
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(res.body.error.message).toContain(field);
    }
    expect(authorize).not.toHaveBeenCalled();
    expect(await estate(requests)).toEqual(before);
  });
});
