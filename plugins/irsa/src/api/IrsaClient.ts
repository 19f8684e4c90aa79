import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  IrsaBackendClient,
  type ClusterStatus,
  type EntityBindings,
  type HealthStatus,
  type InventoryPage,
  type Review,
  type ReviewPage,
  type ReviewRequest,
  type SimulateRequest,
  type SimulationResult,
  type TypedResponse,
} from '@irsa-backstage/plugin-irsa-common';
import { InventoryQuery, IrsaApi, ReviewQuery } from './IrsaApi';

/**
 * {@link IrsaApi} over HTTP, authenticated with the signed-in user's token
 * through the fetch API. The requests and response types are those of the
 * client generated from the backend's OpenAPI spec.
 *
 * @public
 */
export class IrsaClient implements IrsaApi {
  private readonly client: IrsaBackendClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.client = new IrsaBackendClient(options);
  }

  async getHealth(): Promise<HealthStatus> {
    return body(await this.client.getHealth({}));
  }

  async listClusters(): Promise<ClusterStatus[]> {
    const { items } = await body(await this.client.listClusters({}));
    return items;
  }

  async getEntityBindings(
    entityRef: CompoundEntityRef | string,
  ): Promise<EntityBindings> {
    const { namespace, kind, name } =
      typeof entityRef === 'string'
        ? parseEntityRef(entityRef, { defaultNamespace: 'default' })
        : entityRef;
    return body(
      await this.client.getEntityBindings({ path: { namespace, kind, name } }),
    );
  }

  async listBindings(query: InventoryQuery = {}): Promise<InventoryPage> {
    return body(
      await this.client.listInventoryBindings({ query: withoutEmpty(query) }),
    );
  }

  async listReviews(query: ReviewQuery = {}): Promise<ReviewPage> {
    return body(await this.client.listReviews({ query: withoutEmpty(query) }));
  }

  async createReview(request: ReviewRequest): Promise<Review> {
    return body(await this.client.createReview({ body: request }));
  }

  async simulate(request: SimulateRequest): Promise<SimulationResult> {
    return body(await this.client.simulatePermission({ body: request }));
  }
}

/** A query without its empty filters, which would otherwise be sent as `owner=`. */
function withoutEmpty<T extends object>(query: T): T {
  return Object.fromEntries(
    Object.entries(query).filter(([, v]) => v !== undefined && v !== ''),
  ) as T;
}

/** The typed body of a successful response; a `ResponseError` otherwise. */
async function body<T>(res: TypedResponse<T>): Promise<T> {
  if (!res.ok) {
    throw await ResponseError.fromResponse(res);
  }
  return res.json();
}
