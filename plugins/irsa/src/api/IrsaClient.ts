import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  ClusterStatus,
  EntityBindings,
  HealthStatus,
} from '@irsa-backstage/plugin-irsa-common';
import { IrsaApi } from './IrsaApi';

/**
 * {@link IrsaApi} over HTTP, authenticated with the signed-in user's token
 * through the fetch API.
 *
 * @public
 */
export class IrsaClient implements IrsaApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getHealth(): Promise<HealthStatus> {
    return this.request<HealthStatus>('/health');
  }

  async listClusters(): Promise<ClusterStatus[]> {
    const { items } = await this.request<{ items: ClusterStatus[] }>(
      '/clusters',
    );
    return items;
  }

  getEntityBindings(
    entityRef: CompoundEntityRef | string,
  ): Promise<EntityBindings> {
    const { namespace, kind, name } =
      typeof entityRef === 'string'
        ? parseEntityRef(entityRef, { defaultNamespace: 'default' })
        : entityRef;
    const path = [namespace, kind, name].map(encodeURIComponent).join('/');
    return this.request<EntityBindings>(`/entities/${path}/bindings`);
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('irsa');
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}
