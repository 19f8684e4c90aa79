import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ClusterStatus,
  EntityBindings,
  HealthStatus,
  SimulateRequest,
  SimulationResult,
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
  /**
   * May a binding's role perform an action on a resource (`POST /simulate`)?
   * Rejects with a `ResponseError` (400 naming each wrong field, 403, 404).
   */
  simulate(request: SimulateRequest): Promise<SimulationResult>;
}

/**
 * API reference of {@link IrsaApi}.
 *
 * @public
 */
export const irsaApiRef = createApiRef<IrsaApi>({ id: 'plugin.irsa.service' });
