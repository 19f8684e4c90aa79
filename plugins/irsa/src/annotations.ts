/** Entity annotations that link an entity to its service accounts (docs/architecture.md). */
export const SERVICE_ACCOUNTS_ANNOTATION = 'irsa.backstage.io/service-accounts';
/** The Kubernetes plugin's link from an entity to its objects by label. */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** The Kubernetes plugin's other link, by label selector. */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
