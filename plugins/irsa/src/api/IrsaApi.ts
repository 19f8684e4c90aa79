import { createApiRef } from '@backstage/frontend-plugin-api';

/**
 * Liveness of the IRSA backend and how many clusters it watches.
 *
 * @public
 */
export interface IrsaHealth {
  status: 'ok';
  clusters: number;
}

/**
 * Client of the IRSA backend (`/api/irsa`).
 *
 * @public
 */
export interface IrsaApi {
  getHealth(): Promise<IrsaHealth>;
}

/**
 * API reference of {@link IrsaApi}.
 *
 * @public
 */
export const irsaApiRef = createApiRef<IrsaApi>({ id: 'plugin.irsa.service' });
