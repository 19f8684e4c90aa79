import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { IrsaClient, irsaApiRef } from './api';
import { reviewPageRouteRef, rootRouteRef } from './routes';

/**
 * IRSA for Backstage in a classic (legacy frontend system) app.
 *
 * @public
 */
export const irsaPlugin = createPlugin({
  id: 'irsa',
  apis: [
    createApiFactory({
      api: irsaApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new IrsaClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    reviewPage: reviewPageRouteRef,
  },
});

/**
 * The "IRSA" tab of a component: mount it on the entity page with
 * `<EntityLayout.Route path="/irsa" title="IRSA" if={isIrsaAvailable}>`.
 *
 * @public
 */
export const EntityIrsaContent = irsaPlugin.provide(
  createRoutableExtension({
    name: 'EntityIrsaContent',
    component: () =>
      import('./components/IrsaEntityContent').then(m => m.IrsaEntityContent),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The overview card: each service account's verdict and worst finding.
 *
 * @public
 */
export const EntityIrsaCard = irsaPlugin.provide(
  createComponentExtension({
    name: 'EntityIrsaCard',
    component: {
      lazy: () =>
        import('./components/IrsaEntityCard').then(m => m.IrsaEntityCard),
    },
  }),
);

/**
 * The ownership review page: every binding of the inventory by owner, with
 * findings, filters, "mark reviewed" and CSV export. Route it in the app,
 * e.g. `<Route path="/irsa" element={<IrsaReviewPage />} />`.
 *
 * @public
 */
export const IrsaReviewPage = irsaPlugin.provide(
  createRoutableExtension({
    name: 'IrsaReviewPage',
    component: () => import('./components/ReviewPage').then(m => m.ReviewPage),
    mountPoint: reviewPageRouteRef,
  }),
);
