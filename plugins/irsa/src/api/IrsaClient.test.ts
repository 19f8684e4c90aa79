import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { UrlPatternDiscovery } from '@backstage/core-app-api';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { IrsaClient } from './IrsaClient';

describe('IrsaClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new IrsaClient({
    discoveryApi: UrlPatternDiscovery.compile(
      'http://localhost:7007/api/{{ pluginId }}',
    ),
    fetchApi: new MockFetchApi({
      injectIdentityAuth: { token: 'guest-token' },
    }),
  });

  it('reads /health with the user token', async () => {
    let authorization: string | null = null;
    server.use(
      http.get('http://localhost:7007/api/irsa/health', ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json({ status: 'ok', clusters: 2 });
      }),
    );
    await expect(client.getHealth()).resolves.toEqual({
      status: 'ok',
      clusters: 2,
    });
    expect(authorization).toBe('Bearer guest-token');
  });

  it('lists clusters from /clusters', async () => {
    server.use(
      http.get('http://localhost:7007/api/irsa/clusters', () =>
        HttpResponse.json({
          items: [
            {
              name: 'demo-east',
              accountId: '123456789012',
              region: 'us-east-1',
              issuerSource: 'eks',
              oidcProvider: 'present',
            },
          ],
        }),
      ),
    );
    await expect(client.listClusters()).resolves.toEqual([
      {
        name: 'demo-east',
        accountId: '123456789012',
        region: 'us-east-1',
        issuerSource: 'eks',
        oidcProvider: 'present',
      },
    ]);
  });

  it('turns an error body into a ResponseError with the backend message', async () => {
    server.use(
      http.get('http://localhost:7007/api/irsa/health', () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'not for you' },
            request: { method: 'GET', url: '/health' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(client.getHealth()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      body: { error: { message: 'not for you' } },
    });
  });

  describe('getEntityBindings', () => {
    const body = {
      entityRef: 'component:default/orders-worker',
      bindings: [
        {
          serviceAccount: {
            cluster: 'demo-east',
            namespace: 'orders',
            name: 'orders-worker',
          },
          roleArn: 'arn:aws:iam::123456789012:role/orders-worker',
          source: 'annotation',
          pods: [],
          findings: [],
          error: 'no credentials for account 123456789012',
        },
      ],
    };

    it('reads the bindings of a compound ref, encoding every path part', async () => {
      let path: string | undefined;
      server.use(
        http.get(
          'http://localhost:7007/api/irsa/entities/:namespace/:kind/:name/bindings',
          ({ request }) => {
            path = new URL(request.url).pathname;
            return HttpResponse.json(body);
          },
        ),
      );
      await expect(
        client.getEntityBindings({
          kind: 'Component',
          namespace: 'team a/b',
          name: 'orders#worker',
        }),
      ).resolves.toEqual(body);
      expect(path).toBe(
        '/api/irsa/entities/team%20a%2Fb/Component/orders%23worker/bindings',
      );
    });

    it('parses a string ref, defaulting the namespace', async () => {
      let path: string | undefined;
      server.use(
        http.get(
          'http://localhost:7007/api/irsa/entities/:namespace/:kind/:name/bindings',
          ({ request }) => {
            path = new URL(request.url).pathname;
            return HttpResponse.json(body);
          },
        ),
      );
      await client.getEntityBindings('component:orders-worker');
      expect(path).toBe(
        '/api/irsa/entities/default/component/orders-worker/bindings',
      );
    });

    it('rejects with a ResponseError on 403', async () => {
      server.use(
        http.get(
          'http://localhost:7007/api/irsa/entities/default/component/secret/bindings',
          () =>
            HttpResponse.json(
              {
                error: {
                  name: 'NotAllowedError',
                  message: 'may not read bindings',
                },
                request: {
                  method: 'GET',
                  url: '/entities/default/component/secret/bindings',
                },
                response: { statusCode: 403 },
              },
              { status: 403 },
            ),
        ),
      );
      await expect(
        client.getEntityBindings('component:default/secret'),
      ).rejects.toMatchObject({
        name: 'ResponseError',
        statusCode: 403,
      });
    });
  });

  describe('the review page', () => {
    it('lists bindings with the filters and cursor as query params, leaving out empty ones', async () => {
      let query: Record<string, string> = {};
      server.use(
        http.get('http://localhost:7007/api/irsa/bindings', ({ request }) => {
          query = Object.fromEntries(new URL(request.url).searchParams);
          return HttpResponse.json({ items: [], sources: [], nextCursor: 'b' });
        }),
      );
      await expect(
        client.listBindings({
          owner: 'none',
          cluster: 'demo-east',
          namespace: '',
          severity: 'high',
          code: 'TRUST_SUB_MISMATCH',
          limit: 500,
          cursor: 'a',
        }),
      ).resolves.toEqual({ items: [], sources: [], nextCursor: 'b' });
      expect(query).toEqual({
        owner: 'none',
        cluster: 'demo-east',
        severity: 'high',
        code: 'TRUST_SUB_MISMATCH',
        limit: '500',
        cursor: 'a',
      });
    });

    it('lists reviews with their filters', async () => {
      let query: Record<string, string> = {};
      server.use(
        http.get('http://localhost:7007/api/irsa/reviews', ({ request }) => {
          query = Object.fromEntries(new URL(request.url).searchParams);
          return HttpResponse.json({ items: [] });
        }),
      );
      await expect(
        client.listReviews({ owner: 'group:default/team-payments' }),
      ).resolves.toEqual({ items: [] });
      expect(query).toEqual({ owner: 'group:default/team-payments' });
    });

    it("posts a review, and rejects with the backend's 400", async () => {
      let posted: unknown;
      server.use(
        http.post(
          'http://localhost:7007/api/irsa/reviews',
          async ({ request }) => {
            posted = await request.json();
            if ((posted as { comment: string }).comment === 'x'.repeat(1001)) {
              return HttpResponse.json(
                {
                  error: {
                    name: 'InputError',
                    message: 'comment: at most 1000 characters',
                  },
                  request: { method: 'POST', url: '/reviews' },
                  response: { statusCode: 400 },
                },
                { status: 400 },
              );
            }
            return HttpResponse.json(
              { id: '1', stale: false, ...(posted as object) },
              { status: 201 },
            );
          },
        ),
      );
      const request = {
        roleArn: 'arn:aws:iam::123456789012:role/orphan',
        comment: 'tagged, unused',
      };
      await expect(client.createReview(request)).resolves.toMatchObject({
        id: '1',
        ...request,
      });
      expect(posted).toEqual(request);
      await expect(
        client.createReview({ ...request, comment: 'x'.repeat(1001) }),
      ).rejects.toMatchObject({
        statusCode: 400,
        cause: expect.objectContaining({
          message: 'comment: at most 1000 characters',
        }),
      });
    });
  });

  describe('simulate', () => {
    const request = {
      cluster: 'demo-east',
      namespace: 'payments',
      serviceAccount: 'payments-api',
      entityRef: 'component:default/payments-api',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::invoices/a.pdf',
    };

    it('posts the question to /simulate with the user token and returns the decision', async () => {
      let received: unknown;
      let authorization: string | null = null;
      const result = {
        roleArn: 'arn:aws:iam::123456789012:role/payments-api',
        decision: 'denied',
        reason: 'implicit-deny',
        deciding: [],
        explanation: 'No statement allows s3:GetObject.',
      };
      server.use(
        http.post(
          'http://localhost:7007/api/irsa/simulate',
          async ({ request: req }) => {
            authorization = req.headers.get('authorization');
            received = await req.json();
            return HttpResponse.json(result);
          },
        ),
      );
      await expect(client.simulate(request)).resolves.toEqual(result);
      expect(received).toEqual(request);
      expect(authorization).toBe('Bearer guest-token');
    });

    it('rejects with a ResponseError naming the wrong field on 400', async () => {
      server.use(
        http.post('http://localhost:7007/api/irsa/simulate', () =>
          HttpResponse.json(
            {
              error: { name: 'InputError', message: 'resource: not an ARN' },
              request: { method: 'POST', url: '/simulate' },
              response: { statusCode: 400 },
            },
            { status: 400 },
          ),
        ),
      );
      await expect(
        client.simulate({ ...request, resource: 'bucket' }),
      ).rejects.toMatchObject({
        name: 'ResponseError',
        statusCode: 400,
        body: { error: { message: 'resource: not an ARN' } },
      });
    });
  });
});
