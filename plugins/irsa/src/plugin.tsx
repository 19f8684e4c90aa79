import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/irsa',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const irsaPlugin = createFrontendPlugin({
  pluginId: 'irsa',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
