import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

// The plugin alone, for development: `yarn start` in this folder, with the sandbox's settings
// in the environment (`eval "$(sandbox/sandbox env)"`) and `irsa.clusters` in app-config.
// Auth is mocked, so requests need no sign-in:
//
//   curl localhost:7007/api/irsa/clusters
//   curl localhost:7007/api/irsa/entities/default/component/payments-api/bindings
//   curl localhost:7007/api/irsa/verify -H 'Content-Type: application/json' \
//     -d '{"cluster":"demo-east","namespace":"orders","serviceAccount":"orders-worker"}'

const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());

// One demo component instead of a real catalog; it links to its service account by label.
backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'payments-api',
          annotations: { 'backstage.io/kubernetes-id': 'payments-api' },
        },
        spec: { type: 'service', owner: 'group:default/team-payments' },
      },
    ],
  }),
);

backend.add(import('../src'));

backend.start();
