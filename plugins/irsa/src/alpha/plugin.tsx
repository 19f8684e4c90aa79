import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { IrsaClient, irsaApiRef } from '../api';
import { isIrsaAvailable } from '../isIrsaAvailable';
import { reviewPageRouteRef, rootRouteRef } from '../routes';

/** @alpha */
export const irsaApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: irsaApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new IrsaClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The "IRSA" tab on component pages.
 *
 * @alpha
 */
export const irsaEntityContent = EntityContentBlueprint.make({
  name: 'irsa',
  params: {
    path: '/irsa',
    title: 'IRSA',
    routeRef: rootRouteRef,
    filter: isIrsaAvailable,
    loader: () =>
      import('../components/IrsaEntityContent').then(m => (
        <m.IrsaEntityContent />
      )),
  },
});

/**
 * The overview card: each service account's verdict and worst finding.
 *
 * @alpha
 */
export const irsaEntityCard = EntityCardBlueprint.make({
  name: 'irsa',
  params: {
    filter: isIrsaAvailable,
    loader: () =>
      import('../components/IrsaEntityCard').then(m => <m.IrsaEntityCard />),
  },
});

/**
 * IRSA for Backstage in the new frontend system: service accounts, IAM roles,
 * trust verdicts and permissions of catalog entities.
 *
 * @alpha
 */
export const irsaPlugin = createFrontendPlugin({
  pluginId: 'irsa',
  title: 'IRSA',
  info: { packageJson: () => import('../../package.json') },
  extensions: [irsaApi, irsaEntityContent, irsaEntityCard],
  routes: {
    root: rootRouteRef,
    reviewPage: reviewPageRouteRef,
  },
});
