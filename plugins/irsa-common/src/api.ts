import type { Binding } from './types';

/**
 * Answer of `GET /health`: liveness of the IRSA backend and how many
 * clusters it watches.
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
export type ClusterStatus = {
  name: string;
  accountId: string;
  region: string;
  /** The cluster's service-account issuer; absent when it could not be read. */
  oidcIssuer?: string;
  /** `config` for clusters with their own issuer, `eks` when read with DescribeCluster. */
  issuerSource: 'config' | 'eks';
  /** The IAM OIDC provider ARN the cluster's account needs for that issuer. */
  oidcProviderArn?: string;
  /** Whether the account has that provider (`unknown` when IAM could not be read). */
  oidcProvider: 'present' | 'missing' | 'unknown';
  /** The provider's client IDs (audiences), when present. */
  oidcProviderClientIds?: string[];
  /** Why something above is unknown. */
  error?: string;
};

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
export type EntityBindings = {
  entityRef: string;
  bindings: EntityBinding[];
  /** Clusters that could not be asked, and why. */
  errors: Array<{ cluster: string; message: string }>;
};
