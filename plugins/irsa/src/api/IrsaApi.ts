import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ClusterStatus,
  EntityBindings,
  HealthStatus,
} from '@irsa-backstage/plugin-irsa-common';

/**
 * Client of the IRSA backend (`/api/irsa`).
 *
 * @public
 */
export interface IrsaApi {
  getHealth(): Promise<HealthStatus>;
  listClusters(): Promise<ClusterStatus[]>;
  /**
   * The entity's IRSA bindings. Rejects with a `ResponseError` (403 when the
   * user may not read them, 404 when the entity does not exist).
   */
  getEntityBindings(
    entityRef: CompoundEntityRef | string,
  ): Promise<EntityBindings>;
}

/**
 * API reference of {@link IrsaApi}.
 *
 * @public
 */
export const irsaApiRef = createApiRef<IrsaApi>({ id: 'plugin.irsa.service' });
