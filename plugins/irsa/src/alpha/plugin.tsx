import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import SecurityIcon from '@material-ui/icons/Security';
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
 * The ownership review page at `/irsa`, with its item in the sidebar.
 *
 * @alpha
 */
export const irsaReviewPage = PageBlueprint.make({
  params: {
    path: '/irsa',
    title: 'IRSA review',
    icon: <SecurityIcon fontSize="inherit" />,
    routeRef: reviewPageRouteRef,
    // the page draws Backstage's Page and Header itself, as in classic apps
    noHeader: true,
    loader: () =>
      import('../components/ReviewPage').then(m => <m.ReviewPage />),
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
  extensions: [irsaApi, irsaEntityContent, irsaEntityCard, irsaReviewPage],
  routes: {
    root: rootRouteRef,
    reviewPage: reviewPageRouteRef,
  },
});
