/*
 * PermissionSimulation over in-memory IAM and Kubernetes readers: which role it simulates
 * (the annotation's, or roleArn), what it reads (the role, its boundary; cached), the
 * decisions it passes on with their deciding statements, and the entity check for callers
 * without irsa.inventory.read. The request's own checks (readSimulateRequest) are at the end.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  AttachedPolicy,
  RoleDetails,
} from '@irsa-backstage/plugin-irsa-common';
import {
  ACCOUNT,
  clustersConfig,
  component,
  EAST_ISSUER,
  eksEstate,
  irsaRole,
  roleArn,
  S3_READ_ONLY,
  serviceAccount,
} from '../__testUtils__/estate';
import {
  InMemoryIamReader,
  InMemoryKubernetesReader,
} from '../__testUtils__/inMemoryReaders';
import { discoveryOver, memoryCache } from '../__testUtils__/services';
import {
  IamPermissionSimulation,
  readSimulateRequest,
  SimulationTarget,
} from './PermissionSimulation';

const ID = 'backstage.io/kubernetes-id';
const east = (namespace: string, name: string) => ({
  issuer: EAST_ISSUER,
  namespace,
  serviceAccount: name,
});

const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/s3-only-boundary`;
const BOUNDARY: AttachedPolicy = {
  arn: BOUNDARY_ARN,
  name: 's3-only-boundary',
  defaultVersionId: 'v2',
  document: encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'S3Only', Effect: 'Allow', Action: 's3:*', Resource: '*' },
      ],
    }),
  ),
};

const ROLES: RoleDetails[] = [
  // AmazonS3ReadOnlyAccess: s3:Get*, s3:List* on *
  irsaRole('payments-api', east('payments', 'payments-api')),
  irsaRole('ledger', east('payments', 'ledger'), {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllS3', Effect: 'Allow', Action: 's3:*', Resource: '*' },
      {
        Sid: 'KeepTheLedger',
        Effect: 'Deny',
        Action: ['s3:DeleteObject', 's3:PutObject'],
        Resource: 'arn:aws:s3:::ledger/*',
      },
    ],
  }),
  {
    ...irsaRole('bounded', east('payments', 'bounded'), {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['sqs:*', 's3:GetObject'], Resource: '*' },
      ],
    }),
    permissionsBoundaryArn: BOUNDARY_ARN,
  },
  irsaRole('office-only', east('payments', 'office-only'), {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'FromTheOffice',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::reports/*',
        Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      },
    ],
  }),
  irsaRole('orders-worker', east('orders', 'orders-worker')),
];

const SERVICE_ACCOUNTS = [
  serviceAccount('payments', 'payments-api', {
    labels: { [ID]: 'payments-api' },
    role: 'payments-api',
  }),
  serviceAccount('payments', 'ledger', { role: 'ledger' }),
  serviceAccount('payments', 'bounded', { role: 'bounded' }),
  serviceAccount('payments', 'office-only', { role: 'office-only' }),
  serviceAccount('payments', 'no-role'),
  serviceAccount('payments', 'bad-annotation', {
    annotations: { 'eks.amazonaws.com/role-arn': 'payments-api' },
  }),
  serviceAccount('payments', 'ghost-role', { role: 'does-not-exist' }),
  serviceAccount('orders', 'orders-worker', {
    labels: { [ID]: 'orders-worker' },
    role: 'orders-worker',
  }),
];

function setup(
  options: { roles?: RoleDetails[]; managedPolicies?: AttachedPolicy[] } = {},
) {
  const iam = new InMemoryIamReader({
    ...eksEstate(options.roles ?? ROLES),
    managedPolicies: options.managedPolicies ?? [BOUNDARY],
  });
  const kube = new InMemoryKubernetesReader({
    'demo-east': { serviceAccounts: SERVICE_ACCOUNTS },
    'demo-west': {},
  });
  const { discovery, irsa } = discoveryOver(clustersConfig(), { iam, kube });
  const simulation = new IamPermissionSimulation(
    discovery,
    kube,
    iam,
    memoryCache(),
    mockServices.logger.mock(),
  );
  const cluster = irsa.clusters.find(c => c.name === 'demo-east')!;
  /** A simulation of `action` on `resource` by a demo-east service account of `namespace`. */
  const target = (
    name: string,
    action: string,
    resource: string,
    extra: Partial<SimulationTarget> = {},
  ): SimulationTarget => ({
    serviceAccount: { cluster, namespace: 'payments', name },
    action,
    resource,
    ...extra,
  });
  return { iam, kube, simulation, target, cluster };
}

describe('IamPermissionSimulation', () => {
  it("allows s3:GetObject to payments-api by its annotation's role, naming the managed policy statement", async () => {
    const { simulation, target } = setup();
    const result = await simulation.simulate(
      target(
        'payments-api',
        's3:GetObject',
        'arn:aws:s3:::invoices/2024/01.pdf',
      ),
    );
    expect(result).toEqual({
      roleArn: roleArn('payments-api'),
      decision: 'allowed',
      reason: 'allowed',
      deciding: [
        {
          policy: {
            kind: 'managed',
            arn: S3_READ_ONLY,
            name: 'AmazonS3ReadOnlyAccess',
          },
          statementIndex: 0,
          effect: 'Allow',
        },
      ],
      explanation: expect.stringContaining('AmazonS3ReadOnlyAccess'),
    });
  });

  it('denies iam:CreateUser implicitly: no statement allows it', async () => {
    const { simulation, target } = setup();
    const result = await simulation.simulate(
      target(
        'payments-api',
        'iam:CreateUser',
        `arn:aws:iam::${ACCOUNT}:user/mallory`,
      ),
    );
    expect(result).toMatchObject({
      roleArn: roleArn('payments-api'),
      decision: 'denied',
      reason: 'implicit-deny',
      deciding: [],
    });
    expect(result.missingContextKeys).toBeUndefined();
  });

  it('denies explicitly when an inline Deny applies, whatever allows it', async () => {
    const { simulation, target } = setup();
    const result = await simulation.simulate(
      target('ledger', 's3:DeleteObject', 'arn:aws:s3:::ledger/2024.csv'),
    );
    expect(result).toMatchObject({
      decision: 'denied',
      reason: 'explicit-deny',
      deciding: [
        {
          policy: { kind: 'inline', name: 'inline' },
          statementIndex: 1,
          sid: 'KeepTheLedger',
          effect: 'Deny',
        },
      ],
    });
    // the Deny covers ledger/* only
    await expect(
      simulation.simulate(
        target('ledger', 's3:DeleteObject', 'arn:aws:s3:::other/x'),
      ),
    ).resolves.toMatchObject({ decision: 'allowed' });
  });

  it('reads the permissions boundary: what the identity policy allows outside it is denied', async () => {
    const { simulation, target, iam } = setup();
    const sqs = await simulation.simulate(
      target(
        'bounded',
        'sqs:SendMessage',
        `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`,
      ),
    );
    expect(sqs).toMatchObject({
      decision: 'denied',
      reason: 'boundary',
      deciding: [
        {
          policy: { kind: 'inline', name: 'inline' },
          statementIndex: 0,
          effect: 'Allow',
        },
      ],
    });
    const s3 = await simulation.simulate(
      target('bounded', 's3:GetObject', 'arn:aws:s3:::reports/q1.csv'),
    );
    expect(s3.decision).toBe('allowed');
    expect(s3.deciding).toContainEqual({
      policy: { kind: 'boundary', arn: BOUNDARY_ARN, name: 's3-only-boundary' },
      statementIndex: 0,
      sid: 'S3Only',
      effect: 'Allow',
    });
    // the boundary was read once, with the role's account's credentials, then cached
    expect(iam.calls.filter(c => c.startsWith('readManagedPolicy'))).toEqual([
      `readManagedPolicy ${BOUNDARY_ARN}`,
    ]);
  });

  it('answers unknown with the missing context keys, and decides once they are given', async () => {
    const { simulation, target } = setup();
    const resource = 'arn:aws:s3:::reports/q1.csv';
    const unknown = await simulation.simulate(
      target('office-only', 's3:GetObject', resource),
    );
    expect(unknown).toMatchObject({
      decision: 'unknown',
      reason: 'undecided-conditions',
      deciding: [
        {
          policy: { kind: 'inline', name: 'inline' },
          statementIndex: 0,
          sid: 'FromTheOffice',
          effect: 'Allow',
          missingContextKeys: ['aws:SourceIp'],
        },
      ],
      missingContextKeys: ['aws:SourceIp'],
    });
    const inOffice = await simulation.simulate(
      target('office-only', 's3:GetObject', resource, {
        context: { 'aws:sourceip': '203.0.113.7' },
      }),
    );
    expect(inOffice.decision).toBe('allowed');
    const elsewhere = await simulation.simulate(
      target('office-only', 's3:GetObject', resource, {
        context: { 'aws:SourceIp': '198.51.100.1' },
      }),
    );
    expect(elsewhere).toMatchObject({
      decision: 'denied',
      reason: 'implicit-deny',
    });
  });

  it('simulates a role by roleArn alone, and with the service account only the role its annotation names', async () => {
    const { simulation, target, kube } = setup();
    await expect(
      simulation.simulate({
        roleArn: roleArn('ledger'),
        action: 's3:GetObject',
        resource: '*',
      }),
    ).resolves.toMatchObject({
      roleArn: roleArn('ledger'),
      decision: 'allowed',
    });
    expect(kube.calls).toEqual([]);
    await expect(
      simulation.simulate(
        target('payments-api', 's3:GetObject', '*', {
          roleArn: roleArn('payments-api'),
        }),
      ),
    ).resolves.toMatchObject({ roleArn: roleArn('payments-api') });
    await expect(
      simulation.simulate(
        target('payments-api', 's3:GetObject', '*', {
          roleArn: roleArn('ledger'),
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(`names ("${roleArn('payments-api')}")`),
    });
  });

  it('says why there is nothing to simulate: no service account, no annotation, a bad one, no role', async () => {
    const { simulation, target } = setup();
    const run = (name: string) =>
      simulation.simulate(target(name, 's3:GetObject', '*'));
    await expect(run('nobody')).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No service account demo-east/payments/nobody',
    });
    await expect(run('no-role')).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringMatching(/names no IAM role/),
    });
    await expect(run('bad-annotation')).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/is not an IAM role ARN: "payments-api"/),
    });
    await expect(run('ghost-role')).rejects.toMatchObject({
      name: 'NotFoundError',
      message: `No IAM role ${roleArn('does-not-exist')}`,
    });
  });

  it('fails, naming it, when the boundary cannot be read', async () => {
    const { simulation, target } = setup({ managedPolicies: [] });
    await expect(
      simulation.simulate(target('bounded', 's3:GetObject', '*')),
    ).rejects.toThrow(
      `Could not read the permissions boundary ${BOUNDARY_ARN} of ${roleArn(
        'bounded',
      )}`,
    );
  });

  it("names the role's policy that cannot be simulated", async () => {
    const broken = irsaRole('payments-api', east('payments', 'payments-api'));
    broken.inlinePolicies = [
      { name: 'broken', document: '{"Version": "2012-10-17"}' },
    ];
    const { simulation, target } = setup({ roles: [broken] });
    await expect(
      simulation.simulate(target('payments-api', 's3:GetObject', '*')),
    ).rejects.toThrow(/cannot be simulated: inline policy broken: /);
  });

  it('reads the role once for repeated simulations (the cache discovery shares)', async () => {
    const { simulation, target, iam } = setup();
    for (const action of ['s3:GetObject', 's3:ListBucket', 'iam:CreateUser']) {
      await simulation.simulate(target('payments-api', action, '*'));
    }
    expect(iam.count('readRole')).toBe(1);
  });

  describe('for an entity (a caller without irsa.inventory.read)', () => {
    const paymentsApi = component('payments-api', { [ID]: 'payments-api' });

    it("simulates the entity's own binding, by service account or by its role", async () => {
      const { simulation, target } = setup();
      await expect(
        simulation.simulate(target('payments-api', 's3:GetObject', '*'), {
          entity: paymentsApi,
        }),
      ).resolves.toMatchObject({ decision: 'allowed' });
      await expect(
        simulation.simulate(
          {
            roleArn: roleArn('payments-api'),
            action: 's3:GetObject',
            resource: '*',
          },
          { entity: paymentsApi },
        ),
      ).resolves.toMatchObject({ decision: 'allowed' });
    });

    it("refuses another entity's service account or role before reading it", async () => {
      const { simulation, target, cluster, iam, kube } = setup();
      const other = {
        ...target('orders-worker', 's3:GetObject', '*'),
        serviceAccount: { cluster, namespace: 'orders', name: 'orders-worker' },
      };
      await expect(
        simulation.simulate(other, { entity: paymentsApi }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message:
          'You may simulate the bindings of component:default/payments-api only, and no service account demo-east/orders/orders-worker is one of them',
      });
      await expect(
        simulation.simulate(
          { roleArn: roleArn('ledger'), action: 's3:GetObject', resource: '*' },
          { entity: paymentsApi },
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          `no role ${roleArn('ledger')} is used by one of them`,
        ),
      });
      // only discovery's reads of payments-api's binding
      expect(iam.calls.filter(c => c.startsWith('readRole'))).toEqual([
        `readRole ${roleArn('payments-api')}`,
      ]);
      expect(
        kube.calls.filter(c => c.startsWith('readServiceAccount')),
      ).toEqual([]);
    });
  });
});

describe('readSimulateRequest', () => {
  const clusters = [
    {
      name: 'demo-east',
      accountId: ACCOUNT,
      region: 'us-east-1',
      url: 'https://east.invalid',
    },
  ] as Parameters<typeof readSimulateRequest>[1];
  const valid = {
    cluster: 'demo-east',
    namespace: 'payments',
    serviceAccount: 'payments-api',
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::invoices/1.pdf',
  };

  it('reads a valid request', () => {
    expect(
      readSimulateRequest(
        { ...valid, context: { 'aws:SourceIp': '10.0.0.1' } },
        clusters,
      ),
    ).toEqual({
      serviceAccount: {
        cluster: clusters[0],
        namespace: 'payments',
        name: 'payments-api',
      },
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::invoices/1.pdf',
      context: { 'aws:SourceIp': '10.0.0.1' },
    });
    expect(
      readSimulateRequest(
        { roleArn: roleArn('x'), action: 'iam:ListRoles', resource: '*' },
        clusters,
      ),
    ).toEqual({
      roleArn: roleArn('x'),
      action: 'iam:ListRoles',
      resource: '*',
    });
  });

  it('names every wrong field at once', () => {
    expect(() =>
      readSimulateRequest(
        {
          cluster: 'demo-north',
          namespace: 'Payments',
          serviceAccount: 'payments_api',
          roleArn: 'arn:aws:iam::1:role/x',
          entityRef: 'payments-api',
          action: 's3:Get*',
          resource: 'invoices/1.pdf',
          context: { 'aws:SourceIp': '10.0.0.1', 'AWS:SOURCEIP': '10.0.0.2' },
        },
        clusters,
      ),
    ).toThrow(
      new RegExp(
        [
          '^cluster: no cluster "demo-north" is configured',
          'namespace: .*',
          'serviceAccount: .*',
          'roleArn: "arn:aws:iam::1:role/x" is not an IAM role ARN.*',
          'entityRef: "payments-api" is not an entity reference.*',
          'action: "s3:Get\\*" has a wildcard.*',
          'resource: "invoices/1.pdf" is not an ARN.*',
          'context\\["AWS:SOURCEIP"\\]: is the same key as "aws:SourceIp".*$',
        ].join('; '),
      ),
    );
  });

  it('needs a service account (cluster, namespace and serviceAccount together) or a roleArn', () => {
    expect(() =>
      readSimulateRequest({ action: 's3:GetObject', resource: '*' }, clusters),
    ).toThrow(
      'serviceAccount: name the binding by cluster, namespace and serviceAccount, or the role by roleArn',
    );
    expect(() =>
      readSimulateRequest(
        {
          cluster: 'demo-east',
          roleArn: roleArn('x'),
          action: 's3:GetObject',
          resource: '*',
        },
        clusters,
      ),
    ).toThrow(
      /^namespace: is needed to name a service account .*; serviceAccount: is needed/,
    );
  });
});
