/*
 * POST and GET /reviews through the router over a real plugin database (SQLite) and an
 * inventory built from an in-memory estate: the order of the checks (validation, 403, 404),
 * who may review and read what, the audit event, and a review turning stale once the role's
 * policy changes in a later refresh. The store itself is tested on SQLite and PostgreSQL in
 * DatabaseIrsaStore.test.ts.
 */
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  buildOidcProviderArn,
  createAnalysisCache,
  RoleDetails,
} from '@irsa-backstage/plugin-irsa-common';
import express from 'express';
import request from 'supertest';
import { AuditTrail } from '../audit/AuditTrail';
import { DatabaseIrsaStore } from '../database/DatabaseIrsaStore';
import { buildInventory, InventoryEntity } from '../inventory/buildInventory';
import { InventoryService } from '../inventory/InventoryService';
import { InventoryStore } from '../inventory/InventoryStore';
import { ProvisionService } from '../provision/ProvisionService';
import { validateAgainstSpec } from '../schema/__testUtils__/validateAgainstSpec';
import { BindingDiscovery } from '../service/BindingDiscovery';
import { ClusterService } from '../service/ClusterService';
import { EntityAccess } from '../service/EntityAccess';
import { EntityViews } from '../service/EntityViews';
import { readIrsaConfig } from '../service/config';
import { PermissionSimulation } from '../service/PermissionSimulation';
import { createRouter } from '../service/router';
import {
  ACCOUNT,
  clustersConfig,
  EAST_CLUSTER,
  EAST_ISSUER,
  irsaRole,
  roleArn,
  serviceAccount,
} from '../__testUtils__/estate';
import { InventoryReviewService } from './ReviewService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const PAYMENTS = 'component:default/payments-api';
const ORDERS = 'component:default/orders-worker';
const TEAM_PAYMENTS = 'group:default/team-payments';
const TEAM_ORDERS = 'group:default/team-orders';
const PAT = 'user:default/pat'; // in team-payments
const SAM = 'user:default/sam'; // a configured reviewer and inventory reader

const payments = {
  cluster: 'demo-east',
  namespace: 'payments',
  serviceAccount: 'payments-api',
  roleArn: roleArn('payments-api'),
};
const orders = {
  cluster: 'demo-east',
  namespace: 'orders',
  serviceAccount: 'orders-worker',
  roleArn: roleArn('orders-worker'),
};

const entities: InventoryEntity[] = [
  {
    ref: PAYMENTS,
    owner: TEAM_PAYMENTS,
    kubernetesId: 'payments-api',
    serviceAccounts: [],
  },
  {
    ref: ORDERS,
    owner: TEAM_ORDERS,
    kubernetesId: 'orders-worker',
    serviceAccounts: [],
  },
];

function role(name: string, namespace: string, policy?: object) {
  return irsaRole(
    name,
    { issuer: EAST_ISSUER, namespace, serviceAccount: name },
    policy,
  );
}

/** The estate's roles; a test changes one and refreshes. */
function estateRoles(): RoleDetails[] {
  return [role('payments-api', 'payments'), role('orders-worker', 'orders')];
}

/** One refresh of the inventory over the estate, as InventoryService.refresh stores it. */
async function refresh(store: InventoryStore, roles: RoleDetails[]) {
  const refreshedAt = new Date().toISOString();
  const bindings = buildInventory({
    clusters: [
      {
        name: 'demo-east',
        issuer: EAST_ISSUER,
        serviceAccounts: [
          serviceAccount('payments', 'payments-api', {
            labels: { 'backstage.io/kubernetes-id': 'payments-api' },
            role: 'payments-api',
          }),
          serviceAccount('orders', 'orders-worker', {
            labels: { 'backstage.io/kubernetes-id': 'orders-worker' },
            role: 'orders-worker',
          }),
        ],
        pods: [],
      },
    ],
    roles: new Map(roles.map(r => [r.arn, r])),
    accountsRead: new Set([ACCOUNT]),
    providers: new Map([
      [
        ACCOUNT,
        [
          {
            arn: buildOidcProviderArn(ACCOUNT, EAST_ISSUER),
            clientIds: ['sts.amazonaws.com'],
          },
        ],
      ],
    ]),
    entities,
    refreshedAt,
    cache: createAnalysisCache(),
  });
  await store.replace({
    bindings,
    sources: [{ kind: 'account', name: ACCOUNT, stale: false, refreshedAt }],
    refreshedAt,
  });
}

const groupsOf: Record<string, string[]> = {
  [PAT]: [TEAM_PAYMENTS],
  [SAM]: ['group:default/platform-security'],
};
const userInfo: UserInfoService = {
  async getUserInfo(credentials: BackstageCredentials) {
    const user = (credentials.principal as BackstageUserPrincipal)
      .userEntityRef;
    return {
      userEntityRef: user,
      ownershipEntityRefs: [user, ...(groupsOf[user] ?? [])],
    };
  },
};

/** The demo policy's shape: reviewers everything, owners their entities; SAM reads the estate. */
function mayReview(user: string, entityRef?: string) {
  if (user === SAM) return true;
  const owner = entities.find(e => e.ref === entityRef)?.owner;
  return !!owner && groupsOf[user]?.includes(owner);
}

async function app() {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseIrsaStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
  const inventory = new InventoryStore(knex);
  await refresh(inventory, estateRoles());
  const userOf = (c: BackstageCredentials) =>
    (c.principal as BackstageUserPrincipal).userEntityRef;
  const authorize = jest.fn(
    async (
      requests: EvaluatePermissionRequest[],
      { credentials }: { credentials: BackstageCredentials },
    ) =>
      requests.map(r => {
        const user = userOf(credentials);
        let allowed = false;
        if (r.permission.name === 'irsa.inventory.read') allowed = user === SAM;
        if (r.permission.name === 'irsa.review.create') {
          allowed = mayReview(user, r.resourceRef as string);
        }
        return {
          result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        };
      }),
  );
  const authorizeConditional = jest.fn(
    async (
      requests: EvaluatePermissionRequest[],
      { credentials }: { credentials: BackstageCredentials },
    ) =>
      requests.map(() => ({
        result:
          userOf(credentials) === SAM
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      })),
  );
  const permissions = mockServices.permissions.mock({
    authorize: authorize as any,
    authorizeConditional: authorizeConditional as any,
  });
  const auditor = mockServices.auditor.mock();
  const config = clustersConfig([EAST_CLUSTER]);
  const logger = mockServices.logger.mock();
  const router = await createRouter({
    logger,
    config: readIrsaConfig(config),
    httpAuth: mockServices.httpAuth(),
    permissions,
    auditor,
    catalog: catalogServiceMock(),
    reviews: new InventoryReviewService({
      store,
      inventory,
      permissions,
      auth: mockServices.auth(),
      userInfo,
    }),
    // not used by /reviews
    clusters: {} as ClusterService,
    discovery: {} as BindingDiscovery,
    entityViews: {} as EntityViews,
    entityAccess: {} as EntityAccess,
    simulation: {} as PermissionSimulation,
    provisioning: {} as ProvisionService,
    audit: {} as AuditTrail,
    inventory: {} as InventoryService,
  });
  const server = express()
    .use(router)
    .use(MiddlewareFactory.create({ config, logger }).error());
  const post = (user: string, body: object) =>
    request(server)
      .post('/reviews')
      .set('Authorization', mockCredentials.user.header(user))
      .send(body);
  const get = (user: string, query: object = {}) =>
    request(server)
      .get('/reviews')
      .set('Authorization', mockCredentials.user.header(user))
      .query(query);
  return { post, get, inventory, authorize, auditor };
}

describe('POST /reviews', () => {
  it('records a review by an owner, with the role as reviewed, as the spec says', async () => {
    const { post, auditor } = await app();
    const res = await post(PAT, { ...payments, comment: '  read-only S3  ' });
    expect(res.status).toBe(201);
    expect(validateAgainstSpec('Review', res.body)).toEqual([]);
    expect(res.body).toMatchObject({
      reviewer: PAT,
      comment: 'read-only S3',
      ...payments,
      entityRef: PAYMENTS,
      owner: TEAM_PAYMENTS,
      stale: false,
    });
    expect(res.body.reviewedHash).toMatch(/^[0-9a-f]{8}$/);
    expect(res.body.currentHash).toBe(res.body.reviewedHash);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'review-create',
        meta: expect.objectContaining({ roleArn: payments.roleArn }),
      }),
    );
  });

  it('answers 400 naming every wrong field before asking the permission policy', async () => {
    const { post, authorize } = await app();
    const long = await post(PAT, { ...payments, comment: 'x'.repeat(1001) });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/comment/);
    const res = await post(PAT, {
      ...payments,
      namespace: 'Payments_',
      roleArn: 'arn:aws:iam::123:role/',
      comment: '   ',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/namespace: /);
    expect(res.body.error.message).toMatch(/roleArn: /);
    expect(res.body.error.message).toMatch(/comment: must not be empty/);
    const missing = await post(PAT, { ...payments });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/comment/);
    expect(authorize).not.toHaveBeenCalled();
  });

  it("answers 403 to a user who does not own the binding's entity", async () => {
    const { post, get } = await app();
    const res = await post(PAT, { ...orders, comment: 'looks fine' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(ORDERS);
    expect((await get(SAM)).body.items).toEqual([]);
  });

  it('answers 404 for a binding the inventory does not have, and 403 to a non-reviewer asking the same', async () => {
    const { post } = await app();
    const ghost = { ...payments, serviceAccount: 'payments-ghost' };
    const res = await post(SAM, { ...ghost, comment: 'is it there?' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('payments-ghost');
    expect((await post(PAT, { ...ghost, comment: 'x' })).status).toBe(403);
  });
});

describe('GET /reviews', () => {
  it("shows a review stale once a refresh finds the role's policy changed, and fresh while only tags change", async () => {
    const { post, get, inventory } = await app();
    expect((await post(PAT, { ...payments, comment: 'ok' })).status).toBe(201);

    const retagged = estateRoles().map(r => ({ ...r, tags: { team: 'x' } }));
    await refresh(inventory, retagged);
    const fresh = await get(PAT);
    expect(fresh.status).toBe(200);
    expect(validateAgainstSpec('ReviewPage', fresh.body)).toEqual([]);
    expect(fresh.body.items).toMatchObject([{ ...payments, stale: false }]);

    const widened = estateRoles().map(r =>
      r.arn === payments.roleArn
        ? role('payments-api', 'payments', {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
          })
        : r,
    );
    await refresh(inventory, widened);
    const [review] = (await get(PAT)).body.items;
    expect(review.stale).toBe(true);
    expect(review.currentHash).toMatch(/^[0-9a-f]{8}$/);
    expect(review.currentHash).not.toBe(review.reviewedHash);

    // Reviewed again, it is fresh; the older review stays stale.
    expect((await post(PAT, { ...payments, comment: 'again' })).status).toBe(
      201,
    );
    expect(
      (await get(PAT)).body.items.map((r: { stale: boolean }) => r.stale),
    ).toEqual([false, true]);
  });

  it('shows a review stale when its role is gone', async () => {
    const { post, get, inventory } = await app();
    await post(PAT, { ...payments, comment: 'ok' });
    await refresh(
      inventory,
      estateRoles().filter(r => r.arn !== payments.roleArn),
    );
    const [review] = (await get(PAT)).body.items;
    expect(review).toMatchObject({ stale: true });
    expect(review.currentHash).toBeUndefined();
  });

  it("shows others only their own bindings' reviews; filters and pages like /bindings", async () => {
    const { post, get } = await app();
    await post(PAT, { ...payments, comment: 'first' });
    await post(SAM, { ...orders, comment: 'second' });
    await post(SAM, { ...payments, comment: 'third' });

    const mine = await get(PAT);
    expect(mine.body.items.map((r: { comment: string }) => r.comment)).toEqual([
      'third',
      'first',
    ]);
    const all = await get(SAM, { limit: 2 });
    expect(all.body.items.map((r: { comment: string }) => r.comment)).toEqual([
      'third',
      'second',
    ]);
    const next = await get(SAM, { limit: 2, cursor: all.body.nextCursor });
    expect(next.body.items.map((r: { comment: string }) => r.comment)).toEqual([
      'first',
    ]);
    expect(next.body.nextCursor).toBeUndefined();
    const byNamespace = await get(SAM, {
      cluster: 'demo-east',
      namespace: 'orders',
    });
    expect(
      byNamespace.body.items.map((r: { comment: string }) => r.comment),
    ).toEqual(['second']);
    const byOwner = await get(SAM, { owner: TEAM_ORDERS });
    expect(byOwner.body.items).toHaveLength(1);
    expect((await get(SAM, { owner: 'none' })).body.items).toEqual([]);
  });

  // 401 for anonymous callers: plugin.test.ts, through the backend's auth policy.
  it('answers 400 on a bad cursor', async () => {
    const { get } = await app();
    expect((await get(SAM, { cursor: 'DROP TABLE' })).status).toBe(400);
  });
});
