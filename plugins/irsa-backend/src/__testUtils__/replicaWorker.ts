/*
 * One backend replica for the two-process tests: the IRSA plugin in Backstage's real backend
 * (its database service on the shared PostgreSQL, its HTTP server on loopback), with the test
 * kit's token handling (mock user tokens), an in-memory catalog and permissions off (every
 * request allowed: the tests are about replicas, not authorization). Run by startReplica() as
 * `node --require @backstage/cli/config/nodeTransform.cjs replicaWorker.ts`; its app-config
 * comes as JSON in IRSA_REPLICA_CONFIG and its catalog in IRSA_REPLICA_ENTITIES.
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { irsaPlugin } from '../plugin';

const backend = createBackend();
backend.add(
  mockServices.rootConfig.factory({
    data: JSON.parse(process.env.IRSA_REPLICA_CONFIG!),
  }),
);
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  catalogServiceMock.factory({
    entities: JSON.parse(process.env.IRSA_REPLICA_ENTITIES ?? '[]'),
  }),
);
backend.add(irsaPlugin);
backend.start().catch(error => {
  process.stderr.write(`replica failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
