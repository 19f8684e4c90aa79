/*
 * Reviews through the real plugin against the sandbox: the inventory's refresh reads a scratch
 * role from moto and its service account from the kube-apiserver; a review of that binding is
 * fresh; after the role's inline policy changes in IAM and the inventory refreshes, the review
 * is stale, and a change of the role's tags alone does not make it so. Needs a running sandbox.
 */
import {
  PutRolePolicyCommand,
  CreateRoleCommand,
  TagRoleCommand,
} from '@aws-sdk/client-iam';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { irsaPlugin } from '../plugin';
import { validateAgainstSpec } from '../schema/__testUtils__/validateAgainstSpec';
import {
  createSandboxScratch,
  loadSettings,
  sandboxAppConfig,
} from '../__testUtils__/sandboxSettings';

jest.setTimeout(120_000);

const s = loadSettings();
const scratch = createSandboxScratch(s, 'rv');
const ROLE = `irsa-review-${Math.random().toString(36).slice(2, 8)}`;
const OWNER = 'group:default/team-review';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'review-svc',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'review-svc' },
  },
  spec: { type: 'service', owner: OWNER, lifecycle: 'production' },
};

const policy = (action: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
  });

let server: Parameters<typeof request>[0];
let refreshInventory: () => Promise<void>;
let namespace: string;
let roleArn: string;

beforeAll(async () => {
  namespace = scratch.namespace('a');
  const created = await scratch.iam.send(
    new CreateRoleCommand({
      RoleName: ROLE,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: {
              Federated: 'arn:aws:iam::123456789012:oidc-provider/x',
            },
            Action: 'sts:AssumeRoleWithWebIdentity',
          },
        ],
      }),
    }),
  );
  scratch.trackRole(ROLE);
  roleArn = created.Role!.Arn!;
  await scratch.iam.send(
    new PutRolePolicyCommand({
      RoleName: ROLE,
      PolicyName: 'app',
      PolicyDocument: policy('s3:GetObject'),
    }),
  );
  scratch.kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'app',
        namespace,
        labels: { 'backstage.io/kubernetes-id': 'review-svc' },
        annotations: { 'eks.amazonaws.com/role-arn': roleArn },
      },
    }),
  );

  // The scheduled refresh is run by the test, when IAM has what it needs.
  const tasks = new Map<string, SchedulerServiceTaskInvocationDefinition>();
  const scheduler = mockServices.scheduler.mock({
    scheduleTask: async task => {
      tasks.set(task.id, task);
    },
  });
  const backend = await startTestBackend({
    features: [
      irsaPlugin,
      catalogServiceMock.factory({ entities: [entity] }),
      mockServices.rootConfig.factory({ data: sandboxAppConfig(s) }),
      scheduler.factory,
    ],
  });
  server = backend.server;
  refreshInventory = () =>
    Promise.resolve(
      tasks.get('irsa-inventory-refresh')!.fn(new AbortController().signal),
    );
  await refreshInventory();
});

afterAll(() => scratch.cleanup(), 60_000);

const binding = () => ({
  cluster: 'demo-east',
  namespace,
  serviceAccount: 'app',
  roleArn,
});
const listReviews = async () => {
  const res = await request(server)
    .get('/api/irsa/reviews')
    .query({ cluster: 'demo-east', namespace })
    .set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  expect(validateAgainstSpec('ReviewPage', res.body)).toEqual([]);
  return res.body.items;
};

describe('reviews against the sandbox', () => {
  it("turns stale once the role's inline policy changes in IAM, not when only its tags do", async () => {
    const created = await request(server)
      .post('/api/irsa/reviews')
      .set('Authorization', mockCredentials.user.header())
      .send({ ...binding(), comment: 'S3 read only' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...binding(),
      entityRef: 'component:default/review-svc',
      owner: OWNER,
      stale: false,
    });

    await scratch.iam.send(
      new TagRoleCommand({
        RoleName: ROLE,
        Tags: [{ Key: 'team', Value: 'x' }],
      }),
    );
    await refreshInventory();
    expect(await listReviews()).toMatchObject([{ ...binding(), stale: false }]);

    await scratch.iam.send(
      new PutRolePolicyCommand({
        RoleName: ROLE,
        PolicyName: 'app',
        PolicyDocument: policy('s3:*'),
      }),
    );
    // Until the inventory refreshes, the review stands.
    expect(await listReviews()).toMatchObject([{ stale: false }]);
    await refreshInventory();
    const [review] = await listReviews();
    expect(review.stale).toBe(true);
    expect(review.currentHash).not.toBe(review.reviewedHash);
  });
});
