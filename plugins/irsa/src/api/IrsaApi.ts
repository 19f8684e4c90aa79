import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import type { Binding } from '@irsa-backstage/plugin-irsa-common';

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
 * A configured cluster, its OIDC issuer and whether its AWS account has the
 * IAM OIDC provider for that issuer (`GET /clusters`).
 *
 * @public
 */
export interface IrsaClusterStatus {
  name: string;
  accountId: string;
  region: string;
  oidcIssuer?: string;
  issuerSource: 'config' | 'eks';
  oidcProviderArn?: string;
  oidcProvider: 'present' | 'missing' | 'unknown';
  oidcProviderClientIds?: string[];
  error?: string;
}

/**
 * One binding of an entity as the backend returns it: the service account,
 * its role, the trust verdict, the permission summary, the pods and all
 * findings (merged, most severe first).
 *
 * @public
 */
export type EntityBinding = Binding & {
  /** Why part of the binding could not be read (e.g. no credentials for the role's account). */
  error?: string;
};

/**
 * Answer of `GET /entities/{namespace}/{kind}/{name}/bindings`.
 *
 * @public
 */
export interface EntityBindings {
  entityRef: string;
  bindings: EntityBinding[];
  /** Clusters that could not be asked, and why. */
  errors?: Array<{ cluster: string; message: string }>;
}

/**
 * Client of the IRSA backend (`/api/irsa`).
 *
 * @public
 */
export interface IrsaApi {
  getHealth(): Promise<IrsaHealth>;
  listClusters(): Promise<IrsaClusterStatus[]>;
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
