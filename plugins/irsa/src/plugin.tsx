import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { IrsaClient, irsaApiRef } from './api';
import { rootRouteRef } from './routes';

/** @public */
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
 * @public
 */
export const irsaEntityContent = EntityContentBlueprint.make({
  name: 'irsa',
  params: {
    path: '/irsa',
    title: 'IRSA',
    routeRef: rootRouteRef,
    filter: { kind: 'component' },
    loader: () =>
      import('./components/IrsaEntityContent').then(m => (
        <m.IrsaEntityContent />
      )),
  },
});

/**
 * IRSA for Backstage: service accounts, IAM roles, trust verdicts and
 * permissions of catalog entities.
 *
 * @public
 */
export const irsaPlugin = createFrontendPlugin({
  pluginId: 'irsa',
  title: 'IRSA',
  info: { packageJson: () => import('../package.json') },
  extensions: [irsaApi, irsaEntityContent],
  routes: {
    root: rootRouteRef,
  },
});
