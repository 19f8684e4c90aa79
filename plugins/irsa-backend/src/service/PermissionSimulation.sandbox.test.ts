/*
 * POST /simulate through the real HTTP route against the sandbox: the service account from
 * the kube-apiserver (restricted token), the role and its policies from moto. The acceptance
 * of the route: the seeded payments-api binding may read S3 objects through
 * AmazonS3ReadOnlyAccess and may not create IAM users. Needs a running, seeded sandbox.
 */
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import request from 'supertest';
import { irsaPlugin } from '../plugin';
import { validateAgainstSpec } from '../schema/__testUtils__/validateAgainstSpec';
import {
  createSandboxScratch,
  loadSettings,
  SANDBOX_ACCOUNT_ID as ACCOUNT,
  sandboxAppConfig,
  SandboxScratch,
} from '../__testUtils__/sandboxSettings';
import { component } from '../__testUtils__/estate';

const PAYMENTS_ROLE = `arn:aws:iam::${ACCOUNT}:role/irsa-demo-payments-api`;
const S3_READ_ONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const PAYMENTS_API = {
  cluster: 'demo-east',
  namespace: 'payments',
  serviceAccount: 'payments-api',
};

describe('POST /simulate (sandbox)', () => {
  let server: Parameters<typeof request>[0];
  let scratch: SandboxScratch;
  /** Who holds irsa.inventory.read; everyone may read payments-api's bindings. */
  const inventoryReaders = ['user:default/platform'];

  beforeAll(async () => {
    const s = loadSettings();
    scratch = createSandboxScratch(s, 'sim');
    const authorize = async (
      requests: EvaluatePermissionRequest[],
      options: { credentials: unknown },
    ) => {
      const user = (
        options.credentials as { principal?: { userEntityRef?: string } }
      ).principal?.userEntityRef;
      return requests.map(r => ({
        result:
          r.permission.name === 'irsa.binding.read' ||
          inventoryReaders.includes(user ?? '')
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }));
    };
    ({ server } = await startTestBackend({
      features: [
        irsaPlugin,
        mockServices.rootConfig.factory({ data: sandboxAppConfig(s) }),
        catalogServiceMock.factory({
          entities: [
            component('payments-api', {
              'backstage.io/kubernetes-id': 'payments-api',
            }),
          ],
        }),
        mockServices.permissions.mock({ authorize }).factory,
      ],
    }));
  });

  afterAll(() => scratch?.cleanup(), 60_000);

  const simulate = (body: object, user = 'user:default/platform') =>
    request(server)
      .post('/api/irsa/simulate')
      .set('Authorization', mockCredentials.user.header(user))
      .send(body);

  it('allows payments-api s3:GetObject on an object, deciding by AmazonS3ReadOnlyAccess', async () => {
    const res = await simulate({
      ...PAYMENTS_API,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::irsa-demo-invoices/2024/01/invoice-0001.pdf',
    });
    expect(res.status).toBe(200);
    expect(validateAgainstSpec('SimulationResult', res.body)).toEqual([]);
    expect(res.body).toEqual({
      roleArn: PAYMENTS_ROLE,
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

  it('denies payments-api iam:CreateUser implicitly', async () => {
    const res = await simulate({
      ...PAYMENTS_API,
      action: 'iam:CreateUser',
      resource: `arn:aws:iam::${ACCOUNT}:user/mallory`,
    });
    expect(res.status).toBe(200);
    expect(validateAgainstSpec('SimulationResult', res.body)).toEqual([]);
    expect(res.body).toMatchObject({
      roleArn: PAYMENTS_ROLE,
      decision: 'denied',
      reason: 'implicit-deny',
      deciding: [],
    });
  });

  it("answers payments-api's reader through its entity, and refuses another binding", async () => {
    const reader = 'user:default/payments-dev';
    const own = await simulate(
      {
        ...PAYMENTS_API,
        entityRef: 'component:default/payments-api',
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::irsa-demo-invoices',
      },
      reader,
    );
    expect(own.status).toBe(200);
    expect(own.body.decision).toBe('allowed');
    const other = await simulate(
      {
        cluster: 'demo-east',
        namespace: 'ops',
        serviceAccount: 'admin-console',
        entityRef: 'component:default/payments-api',
        action: 'iam:CreateUser',
        resource: '*',
      },
      reader,
    );
    expect(other.status).toBe(403);
    const estate = await simulate(
      { ...PAYMENTS_API, action: 's3:GetObject', resource: '*' },
      reader,
    );
    expect(estate.status).toBe(403);
  });

  it("reads a role's permissions boundary from IAM", async () => {
    const roleName = `irsa-sim-${Date.now().toString(36)}-bounded`;
    scratch.trackRole(roleName);
    const role = await scratch.iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
        PermissionsBoundary: S3_READ_ONLY,
      }),
    );
    await scratch.iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 's3-and-sqs',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' },
          ],
        }),
      }),
    );
    const roleArn = role.Role!.Arn!;
    const put = await simulate({
      roleArn,
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::irsa-demo-invoices/new.pdf',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      roleArn,
      decision: 'denied',
      reason: 'boundary',
      deciding: [
        { policy: { kind: 'inline', name: 's3-and-sqs' }, statementIndex: 0 },
      ],
    });
    const get = await simulate({
      roleArn,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::irsa-demo-invoices/new.pdf',
    });
    expect(get.body.decision).toBe('allowed');
    expect(get.body.deciding).toContainEqual({
      policy: {
        kind: 'boundary',
        arn: S3_READ_ONLY,
        name: 'AmazonS3ReadOnlyAccess',
      },
      statementIndex: 0,
      effect: 'Allow',
    });
  });
});
