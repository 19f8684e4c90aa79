import { UrlPatternDiscovery } from '@backstage/core-app-api';
import type { Entity } from '@backstage/catalog-model';
import { MockFetchApi } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { IrsaClient, type EntityBinding } from '../api';

/** Where the tests' IRSA backend answers (msw intercepts it). */
export const TEST_BACKEND = 'http://localhost:7007/api/irsa';

/** The plugin's real client, talking to msw's backend. */
export function testIrsaClient(): IrsaClient {
  return new IrsaClient({
    discoveryApi: UrlPatternDiscovery.compile(
      'http://localhost:7007/api/{{ pluginId }}',
    ),
    fetchApi: new MockFetchApi({
      injectIdentityAuth: { token: 'guest-token' },
    }),
  });
}

/** A component linked to its service accounts by the Kubernetes plugin's label. */
export function testComponent(name = 'payments-api'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: { 'backstage.io/kubernetes-id': name },
    },
    spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
  };
}

/** Serve the entity's bindings (and one cluster error, when given) from msw. */
export function serveEntityBindings(
  server: SetupServer,
  bindings: EntityBinding[],
  errors: { cluster: string; message: string }[] = [],
) {
  server.use(
    http.get(
      `${TEST_BACKEND}/entities/:namespace/:kind/:name/bindings`,
      ({ params }) =>
        HttpResponse.json({
          entityRef: `${params.kind}:${params.namespace}/${params.name}`,
          bindings,
          errors,
        }),
    ),
  );
}

/** Serve `/health` and an empty `/clusters`, which the tab reads besides the bindings. */
export function serveHealth(server: SetupServer) {
  server.use(
    http.get(`${TEST_BACKEND}/health`, () =>
      HttpResponse.json({ status: 'ok', clusters: 1 }),
    ),
    http.get(`${TEST_BACKEND}/clusters`, () =>
      HttpResponse.json({ items: [] }),
    ),
  );
}

/** Serve a one-binding inventory (`/bindings`) and no reviews, for the review page. */
export function serveInventory(server: SetupServer) {
  const refreshedAt = '2026-11-30T10:00:00.000Z';
  server.use(
    http.get(`${TEST_BACKEND}/bindings`, () =>
      HttpResponse.json({
        items: [
          {
            id: 'demo-east/payments/payments-api',
            source: 'annotation',
            cluster: 'demo-east',
            namespace: 'payments',
            serviceAccount: 'payments-api',
            roleArn: 'arn:aws:iam::123456789012:role/irsa-demo-payments-api',
            entityRef: 'component:default/payments-api',
            owner: 'group:default/team-payments',
            findings: [],
            stale: false,
            refreshedAt,
          },
        ],
        refreshedAt,
        sources: [],
      }),
    ),
    http.get(`${TEST_BACKEND}/reviews`, () => HttpResponse.json({ items: [] })),
  );
}
