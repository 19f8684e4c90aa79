import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The entity tab. Created with the classic API so that both frontend systems
 * share one route ref, as Backstage's own plugins do.
 */
export const rootRouteRef = createRouteRef({ id: 'irsa' });

/** The ownership review page (`/irsa` in the demo). */
export const reviewPageRouteRef = createRouteRef({ id: 'irsa-review-page' });
