/**
 * Minimal structural subsets of the Kubernetes objects discovery reads, so
 * that `V1ServiceAccount` and `V1Pod` from `@kubernetes/client-node` can be
 * passed as they are without this package depending on the client.
 */

/**
 * The annotation naming the IAM role of a service account.
 *
 * @public
 */
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';

/**
 * The entity annotations that link a catalog entity to its service accounts
 * (docs/architecture.md, "Linking entities to service accounts"): the explicit
 * `cluster/namespace/name` list, and the Kubernetes plugin's label, selector
 * and namespace.
 *
 * @public
 */
export const SERVICE_ACCOUNTS_ANNOTATION = 'irsa.backstage.io/service-accounts';
/** @public */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** @public */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
/** @public */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

/**
 * The annotation setting the audience of the projected token (default
 * `sts.amazonaws.com`).
 *
 * @public
 */
export const AUDIENCE_ANNOTATION = 'eks.amazonaws.com/audience';

/**
 * The annotation setting the projected token's lifetime in seconds.
 *
 * @public
 */
export const TOKEN_EXPIRATION_ANNOTATION = 'eks.amazonaws.com/token-expiration';

/**
 * Pod annotation listing containers the webhook must leave alone.
 *
 * @public
 */
export const SKIP_CONTAINERS_ANNOTATION = 'eks.amazonaws.com/skip-containers';

/**
 * Object metadata (subset of `V1ObjectMeta`).
 *
 * @public
 */
export interface ObjectMetaLike {
  name?: string;
  namespace?: string;
  annotations?: { [key: string]: string };
  labels?: { [key: string]: string };
}

/**
 * A service account (subset of `V1ServiceAccount`).
 *
 * @public
 */
export interface ServiceAccountLike {
  metadata?: ObjectMetaLike;
}

/**
 * An environment variable (subset of `V1EnvVar`); `value` is absent for
 * variables set through `valueFrom`.
 *
 * @public
 */
export interface EnvVarLike {
  name: string;
  value?: string;
}

/**
 * A container (subset of `V1Container`).
 *
 * @public
 */
export interface ContainerLike {
  name: string;
  env?: EnvVarLike[];
}

/**
 * A pod (subset of `V1Pod`).
 *
 * @public
 */
export interface PodLike {
  metadata?: ObjectMetaLike;
  spec?: {
    serviceAccountName?: string;
    containers: ContainerLike[];
    initContainers?: ContainerLike[];
  };
}
