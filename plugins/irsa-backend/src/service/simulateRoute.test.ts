/*
 * POST /simulate through the router over in-memory readers: who may ask (irsa.inventory.read,
 * else irsa.binding.read on entityRef for that entity's bindings), in which order the
 * checks run (authorization, then every wrong field at once, then the reads), and that the
 * answer is what the spec says. The simulation itself is in PermissionSimulation.test.ts.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { InventoryService } from '../inventory/InventoryService';
import { AuditTrail } from '../audit/AuditTrail';
import { ProvisionService } from '../provision/ProvisionService';
import { ReviewService } from '../review/ReviewService';
import { validateAgainstSpec } from '../schema/__testUtils__/validateAgainstSpec';
import {
  ACCOUNT,
  clustersConfig,
  component,
  EAST_CLUSTER,
  EAST_ISSUER,
  eksEstate,
  irsaRole,
  roleArn,
  serviceAccount,
} from '../__testUtils__/estate';
import {
  InMemoryIamReader,
  InMemoryKubernetesReader,
} from '../__testUtils__/inMemoryReaders';
import { discoveryOver, memoryCache } from '../__testUtils__/services';
import { IamPermissionSimulation } from './PermissionSimulation';
import { createRouter } from './router';
import { EntityAccess } from './EntityAccess';
import { EntityViews } from './EntityViews';

const ID = 'backstage.io/kubernetes-id';
const PAYMENTS = 'component:default/payments-api';

/** Who holds what: irsa.inventory.read, and irsa.binding.read on which entities. */
type Grants = { inventory?: boolean; bindingRead?: string[] };

async function app(grants: Grants) {
  const iam = new InMemoryIamReader(
    eksEstate([
      irsaRole('payments-api', {
        issuer: EAST_ISSUER,
        namespace: 'payments',
        serviceAccount: 'payments-api',
      }),
      irsaRole('orders-worker', {
        issuer: EAST_ISSUER,
        namespace: 'orders',
        serviceAccount: 'orders-worker',
      }),
    ]),
  );
  const kube = new InMemoryKubernetesReader({
    'demo-east': {
      serviceAccounts: [
        serviceAccount('payments', 'payments-api', {
          labels: { [ID]: 'payments-api' },
          role: 'payments-api',
        }),
        serviceAccount('orders', 'orders-worker', {
          labels: { [ID]: 'orders-worker' },
          role: 'orders-worker',
        }),
      ],
    },
  });
  const config = clustersConfig([EAST_CLUSTER]);
  const { irsa, clusters, discovery } = discoveryOver(config, { iam, kube });
  const logger = mockServices.logger.mock();
  const authorize = jest.fn(async (requests: EvaluatePermissionRequest[]) =>
    requests.map(r => {
      const allowed =
        r.permission.name === 'irsa.inventory.read'
          ? grants.inventory
          : r.permission.name === 'irsa.binding.read' &&
            'resourceRef' in r &&
            grants.bindingRead?.includes(r.resourceRef as string);
      return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }),
  );
  const permissions = mockServices.permissions.mock({ authorize });
  const catalog = catalogServiceMock({
    entities: [
      component('payments-api', { [ID]: 'payments-api' }),
      component('orders-worker', { [ID]: 'orders-worker' }),
    ],
  });
  const router = await createRouter({
    logger,
    config: irsa,
    httpAuth: mockServices.httpAuth(),
    permissions,
    auditor: mockServices.auditor.mock(),
    catalog,
    clusters,
    discovery,
    entityViews: new EntityViews(discovery, { reuseMs: 0, maxEntries: 0 }),
    entityAccess: new EntityAccess(
      { permissions, catalog },
      { reuseMs: 0, maxEntries: 0 },
    ),
    simulation: new IamPermissionSimulation(
      discovery,
      kube,
      iam,
      memoryCache(),
      logger,
    ),
    // not used by /simulate
    provisioning: {} as ProvisionService,
    audit: {} as AuditTrail,
    inventory: {} as InventoryService,
    reviews: {} as ReviewService,
  });
  const server = express()
    .use(router)
    .use(MiddlewareFactory.create({ config, logger }).error());
  const post = (body: object, header = mockCredentials.user.header()) =>
    request(server).post('/simulate').set('Authorization', header).send(body);
  return { post, authorize, iam, kube };
}

const getObject = {
  cluster: 'demo-east',
  namespace: 'payments',
  serviceAccount: 'payments-api',
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::invoices/2024/01.pdf',
};

describe('POST /simulate', () => {
  it('answers a holder of irsa.inventory.read for any binding, as the spec says', async () => {
    const { post } = await app({ inventory: true });
    const res = await post(getObject);
    expect(res.status).toBe(200);
    expect(validateAgainstSpec('SimulationResult', res.body)).toEqual([]);
    expect(res.body).toMatchObject({
      roleArn: roleArn('payments-api'),
      decision: 'allowed',
      reason: 'allowed',
      deciding: [
        {
          policy: { kind: 'managed', name: 'AmazonS3ReadOnlyAccess' },
          statementIndex: 0,
          effect: 'Allow',
        },
      ],
    });
    const denied = await post({
      ...getObject,
      action: 'iam:CreateUser',
      resource: `arn:aws:iam::${ACCOUNT}:user/x`,
    });
    expect(denied.body).toMatchObject({
      decision: 'denied',
      reason: 'implicit-deny',
      deciding: [],
    });
    expect(validateAgainstSpec('SimulationResult', denied.body)).toEqual([]);
    const byRole = await post({
      roleArn: roleArn('orders-worker'),
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::b',
    });
    expect(byRole.body).toMatchObject({
      roleArn: roleArn('orders-worker'),
      decision: 'allowed',
    });
  });

  it("answers a reader of the entity for the entity's own binding", async () => {
    const { post } = await app({ bindingRead: [PAYMENTS] });
    const res = await post({
      ...getObject,
      entityRef: 'component:payments-api',
    });
    expect(res.status).toBe(200);
    expect(res.body.decision).toBe('allowed');
  });

  it("refuses a reader of the entity another entity's binding, reading no role of it", async () => {
    const { post, iam } = await app({ bindingRead: [PAYMENTS] });
    const res = await post({
      ...getObject,
      namespace: 'orders',
      serviceAccount: 'orders-worker',
      entityRef: PAYMENTS,
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      `You may simulate the bindings of ${PAYMENTS} only, and no service account demo-east/orders/orders-worker is one of them`,
    );
    expect(iam.calls).not.toContain(`readRole ${roleArn('orders-worker')}`);
    const byRole = await post({
      roleArn: roleArn('orders-worker'),
      action: 's3:GetObject',
      resource: '*',
      entityRef: PAYMENTS,
    });
    expect(byRole.status).toBe(403);
  });

  it('refuses with 403, before validating, whoever has neither permission', async () => {
    const { post, kube, iam } = await app({ bindingRead: [PAYMENTS] });
    // no entityRef: only the estate-wide permission would do
    const bare = await post({
      ...getObject,
      cluster: 'demo-nowhere',
      namespace: 'Bad_Name',
    });
    expect(bare.status).toBe(403);
    expect(bare.body.error.message).toMatch(/irsa\.inventory\.read.*entityRef/);
    // an entity the caller may not read
    const other = await post({
      ...getObject,
      cluster: 'demo-nowhere',
      entityRef: 'component:default/orders-worker',
    });
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe(
      'You may not read the IRSA bindings of component:default/orders-worker',
    );
    for (const res of [bare, other]) {
      expect(JSON.stringify(res.body)).not.toMatch(
        /demo-nowhere|demo-east|Bad_Name/,
      );
    }
    expect([...kube.calls, ...iam.calls]).toEqual([]);
  });

  it("refuses services: it is a person's question", async () => {
    const { post } = await app({ inventory: true });
    expect(
      (await post(getObject, mockCredentials.service.header())).status,
    ).toBe(403);
    expect((await post(getObject, mockCredentials.none.header())).status).toBe(
      401,
    );
  });

  it('answers 400 naming every wrong field, after authorization and before any read', async () => {
    const { post, kube, iam } = await app({ inventory: true });
    const res = await post({
      cluster: 'demo-nowhere',
      namespace: 'Payments',
      serviceAccount: 'payments_api',
      roleArn: 'arn:aws:iam::123:role/x',
      entityRef: 'payments api',
      action: 's3:*',
      resource: 'invoices/01.pdf',
      context: { '': 'x' },
    });
    expect(res.status).toBe(400);
    const fields = (res.body.error.message as string)
      .split('; ')
      .map(p => p.split(':')[0]);
    expect(fields).toEqual([
      'cluster',
      'namespace',
      'serviceAccount',
      'roleArn',
      'entityRef',
      'action',
      'resource',
      'context[""]',
    ]);
    expect([...kube.calls, ...iam.calls]).toEqual([]);
  });

  it('answers 400 for a binding named neither way, for a malformed entityRef, and for what the spec refuses', async () => {
    const { post } = await app({ bindingRead: [PAYMENTS] });
    const neither = await post({
      action: 's3:GetObject',
      resource: '*',
      entityRef: PAYMENTS,
    });
    expect(neither.status).toBe(400);
    expect(neither.body.error.message).toMatch(
      /^serviceAccount: name the binding by cluster, namespace and serviceAccount, or the role by roleArn$/,
    );
    const badRef = await post({ ...getObject, entityRef: 'payments api' });
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.message).toMatch(
      /^entityRef: "payments api" is not an entity reference/,
    );
    const extra = await post({ ...getObject, entityRef: PAYMENTS, policy: {} });
    expect(extra.status).toBe(400);
    const numberInContext = await post({
      ...getObject,
      entityRef: PAYMENTS,
      context: { 'aws:MultiFactorAuthAge': 30 },
    });
    expect(numberInContext.status).toBe(400);
  });

  it('answers 404 for an entity or a service account that does not exist, 409 for a roleArn the annotation does not name', async () => {
    const { post } = await app({ inventory: true });
    const entity = await app({ bindingRead: ['component:default/gone'] });
    const gone = await entity.post({
      ...getObject,
      entityRef: 'component:default/gone',
    });
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toBe(
      'No entity component:default/gone in the catalog',
    );
    const nobody = await post({ ...getObject, serviceAccount: 'nobody' });
    expect(nobody.status).toBe(404);
    const other = await post({
      ...getObject,
      roleArn: roleArn('orders-worker'),
    });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(
      /^roleArn ".*orders-worker" is not the role/,
    );
  });
});
