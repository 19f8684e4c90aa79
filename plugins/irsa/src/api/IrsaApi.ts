import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ClusterStatus,
  EntityBindings,
  HealthStatus,
  InventoryPage,
  ListInventoryBindings,
  ListReviews,
  Review,
  ReviewPage,
  ReviewRequest,
  SimulateRequest,
  SimulationResult,
} from '@irsa-backstage/plugin-irsa-common';

/**
 * Filters and cursor of `GET /bindings`: owner (an entity ref, or `none`),
 * cluster, namespace, severity (this severe or more), finding code.
 *
 * @public
 */
export type InventoryQuery = ListInventoryBindings['query'];

/**
 * Filters and cursor of `GET /reviews`.
 *
 * @public
 */
export type ReviewQuery = ListReviews['query'];

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
   * One page of the estate-wide inventory (`GET /bindings`), with the time of
   * the last refresh; `nextCursor` asks for the next page.
   */
  listBindings(query?: InventoryQuery): Promise<InventoryPage>;
  /** One page of ownership reviews (`GET /reviews`), newest first. */
  listReviews(query?: ReviewQuery): Promise<ReviewPage>;
  /**
   * Marks a binding reviewed (`POST /reviews`). Rejects with a
   * `ResponseError` (400 naming the field, 403 without irsa.review.create on
   * the binding's entity, 404 when the inventory lacks the binding).
   */
  createReview(request: ReviewRequest): Promise<Review>;
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
