import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { irsaPlugin } from './plugin';

const clusters = [
  {
    name: 'demo-east',
    accountId: '123456789012',
    region: 'us-east-1',
    url: 'https://127.0.0.1:16443',
  },
];

describe('irsaPlugin', () => {
  it('answers /health without credentials and counts configured clusters', async () => {
    const { server } = await startTestBackend({
      features: [
        irsaPlugin,
        mockServices.rootConfig.factory({ data: { irsa: { clusters } } }),
      ],
    });
    const res = await request(server).get('/api/irsa/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', clusters: 1 });
  });

  it('refuses /clusters to anonymous callers with 401', async () => {
    const { server } = await startTestBackend({
      features: [
        irsaPlugin,
        // without this the mock treats a request without a token as the mock user's
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    expect((await request(server).get('/api/irsa/clusters')).status).toBe(401);
    const res = await request(server)
      .get('/api/irsa/clusters')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('refuses /clusters to services: it lists accounts and issuers for people', async () => {
    const { server } = await startTestBackend({ features: [irsaPlugin] });
    const res = await request(server)
      .get('/api/irsa/clusters')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(403);
  });

  it('answers /clusters to a signed-in user', async () => {
    const { server } = await startTestBackend({ features: [irsaPlugin] });
    const res = await request(server)
      .get('/api/irsa/clusters')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
  });

  it("answers 403 when the permission policy denies reading the entity's bindings", async () => {
    const { server } = await startTestBackend({
      features: [
        irsaPlugin,
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const res = await request(server)
      .get('/api/irsa/entities/default/component/payments-api/bindings')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'You may not read the IRSA bindings of component:default/payments-api',
    );
  });

  it('answers 404 for an entity the catalog does not have', async () => {
    const { server } = await startTestBackend({
      features: [irsaPlugin, catalogServiceMock.factory({ entities: [] })],
    });
    const res = await request(server)
      .get('/api/irsa/entities/default/component/nope/bindings')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      'No entity component:default/nope in the catalog',
    );
  });

  it('refuses a bad /verify request with 400, naming every wrong field', async () => {
    const { server } = await startTestBackend({
      features: [
        irsaPlugin,
        mockServices.rootConfig.factory({ data: { irsa: { clusters } } }),
      ],
    });
    const res = await request(server)
      .post('/api/irsa/verify')
      .set('Authorization', mockCredentials.user.header())
      .send({
        cluster: 'nope',
        namespace: 'Payments',
        serviceAccount: 'a_b',
        roleArn: 'arn:aws:iam::1:role/x',
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^cluster: no cluster "nope" is configured; namespace: /,
    );
    expect(res.body.error.message).toMatch(/; serviceAccount: .*; roleArn: /);
  });

  it('refuses /verify with 403 before validating, naming no cluster to a refused caller', async () => {
    const { server } = await startTestBackend({
      features: [
        irsaPlugin,
        mockServices.rootConfig.factory({ data: { irsa: { clusters } } }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    const res = await request(server)
      .post('/api/irsa/verify')
      .set('Authorization', mockCredentials.user.header())
      .send({
        cluster: 'nope',
        namespace: 'payments',
        serviceAccount: 'payments-api',
      });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('You may not verify IRSA bindings');
    expect(JSON.stringify(res.body)).not.toMatch(/nope|demo-east/);
  });

  it('refuses a /verify request that misses a field (OpenAPI validation)', async () => {
    const { server } = await startTestBackend({ features: [irsaPlugin] });
    const res = await request(server)
      .post('/api/irsa/verify')
      .set('Authorization', mockCredentials.user.header())
      .send({ cluster: 'demo-east', namespace: 'payments' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/serviceAccount/);
  });

  it('answers GET /audit: 401 anonymous, 403 to a service without inventory access, 400 on a bad cursor', async () => {
    const { server } = await startTestBackend({
      features: [
        irsaPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    expect((await request(server).get('/api/irsa/audit')).status).toBe(401);
    const service = await request(server)
      .get('/api/irsa/audit')
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(403);
    const user = () =>
      request(server)
        .get('/api/irsa/audit')
        .set('Authorization', mockCredentials.user.header());
    // An owner of nothing sees nothing.
    expect((await user()).body).toEqual({ items: [] });
    expect((await user().query({ cursor: '1; DROP TABLE' })).status).toBe(400);
    const badLimit = await user().query({ limit: 0 });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.message).toMatch(/limit/);
    const badRef = await user().query({ entityRef: 'payments-api' });
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.message).toMatch(/^entityRef: /);
  });

  it('answers /reviews: 401 anonymous, 403 to a service posting a review, 404 for a binding the empty inventory lacks', async () => {
    const { server } = await startTestBackend({
      features: [
        irsaPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const body = {
      cluster: 'demo-east',
      namespace: 'payments',
      serviceAccount: 'payments-api',
      roleArn: 'arn:aws:iam::123456789012:role/payments-api',
      comment: 'checked',
    };
    expect((await request(server).get('/api/irsa/reviews')).status).toBe(401);
    expect(
      (await request(server).post('/api/irsa/reviews').send(body)).status,
    ).toBe(401);
    const service = await request(server)
      .post('/api/irsa/reviews')
      .set('Authorization', mockCredentials.service.header())
      .send(body);
    expect(service.status).toBe(403);
    const user = await request(server)
      .post('/api/irsa/reviews')
      .set('Authorization', mockCredentials.user.header())
      .send(body);
    expect(user.status).toBe(404);
    const list = await request(server)
      .get('/api/irsa/reviews')
      .set('Authorization', mockCredentials.user.header());
    expect(list.body).toEqual({ items: [] });
  });

  it('serves its OpenAPI spec', async () => {
    const { server } = await startTestBackend({ features: [irsaPlugin] });
    const res = await request(server).get('/api/irsa/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toContain('/api/irsa/health');
  });

  it('registers its permissions with the permission framework', async () => {
    const { server } = await startTestBackend({ features: [irsaPlugin] });
    const res = await request(server).get(
      '/api/irsa/.well-known/backstage/permissions/metadata',
    );
    expect(res.status).toBe(200);
    expect(res.body.permissions.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'irsa.binding.read',
        'irsa.binding.create',
        'irsa.review.create',
      ]),
    );
  });

  it('refuses to start with a malformed account id, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          irsaPlugin,
          mockServices.rootConfig.factory({
            data: {
              irsa: { clusters: [{ ...clusters[0], accountId: '1234' }] },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/irsa\.clusters\[0\]\.accountId/);
  });

  it('refuses duplicate cluster names', async () => {
    await expect(
      startTestBackend({
        features: [
          irsaPlugin,
          mockServices.rootConfig.factory({
            data: { irsa: { clusters: [clusters[0], clusters[0]] } },
          }),
        ],
      }),
    ).rejects.toThrow(/configured twice/);
  });
});
