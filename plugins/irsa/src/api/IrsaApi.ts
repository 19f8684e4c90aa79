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
 * Client of the IRSA backend (`/api/irsa`).
 *
 * @public
 */
export interface IrsaApi {
  getHealth(): Promise<IrsaHealth>;
  listClusters(): Promise<IrsaClusterStatus[]>;
}

/**
 * API reference of {@link IrsaApi}.
 *
 * @public
 */
export const irsaApiRef = createApiRef<IrsaApi>({ id: 'plugin.irsa.service' });
