/**
 * How an entity names its service accounts, read from its annotations and
 * validated before anything is asked: a bad annotation becomes a problem on
 * that entity, never a broader query (an invalid or empty selector, or an
 * invalid namespace, must not turn into a cluster-wide list).
 */
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  SERVICE_ACCOUNTS_ANNOTATION,
  validateNamespaceName,
  validateServiceAccountName,
} from '@irsa-backstage/plugin-irsa-common';
import { validateEntitySelector, validateLabelValue } from './labelSelector';

// The annotations are defined once in irsa-common, which the frontend shares.
export {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  SERVICE_ACCOUNTS_ANNOTATION,
};

/**
 * The label that ties a Kubernetes object to its entity: the Kubernetes
 * plugin's convention, the annotation's key with the entity's
 * `backstage.io/kubernetes-id` as value.
 */
export const KUBERNETES_ID_LABEL = KUBERNETES_ID_ANNOTATION;

/** The IAM role tag that links a role to its entity (linking rule 3). */
export const ENTITY_REF_TAG = 'backstage.io/entity-ref';

/** Bad values are quoted in messages up to this length. */
const MAX_QUOTED = 120;

/** A service account the entity names; `cluster` may be `*` (every cluster). */
export type ServiceAccountRef = { cluster: string; namespace: string; name: string };

export interface EntityLinks {
  /** From `irsa.backstage.io/service-accounts`. */
  explicit: ServiceAccountRef[];
  /** Selector for the entity's service accounts and pods, when it links by labels. */
  selector?: string;
  /** Namespace the selector is limited to; all namespaces when absent. */
  namespace?: string;
  /** One sentence per bad annotation (or entry), naming it and its value. */
  problems: string[];
}

export function readEntityLinks(annotations: Record<string, string>): EntityLinks {
  const problems: string[] = [];
  const explicit = readExplicit(annotations[SERVICE_ACCOUNTS_ANNOTATION], problems);
  const selector = readSelector(annotations, problems);
  const namespace = annotations[KUBERNETES_NAMESPACE_ANNOTATION];
  if (selector === undefined || namespace === undefined) {
    return { explicit, selector, problems };
  }
  const problem = validateNamespaceName(namespace);
  if (problem) {
    // Without its namespace the selector would search every namespace: skip it.
    problems.push(
      `${describe(KUBERNETES_NAMESPACE_ANNOTATION, namespace)}: ${problem}; service accounts were not looked up by label`,
    );
    return { explicit, problems };
  }
  return { explicit, selector, namespace, problems };
}

function readExplicit(annotation: string | undefined, problems: string[]): ServiceAccountRef[] {
  if (annotation === undefined) return [];
  const refs: ServiceAccountRef[] = [];
  // Empty entries (a trailing comma) are no mistake worth reporting.
  for (const entry of annotation.split(',').map(e => e.trim()).filter(Boolean)) {
    const parts = entry.split('/');
    const [cluster, namespace, name] = parts;
    const problem =
      parts.length !== 3 || !cluster
        ? 'must be cluster/namespace/name (cluster may be "*")'
        : validateNamespaceName(namespace) ?? validateServiceAccountName(name);
    if (problem) {
      problems.push(`${describe(SERVICE_ACCOUNTS_ANNOTATION, entry, 'entry')}: ${problem}`);
    } else {
      refs.push({ cluster, namespace, name });
    }
  }
  return refs;
}

/** The label selector the Kubernetes plugin would use: its own annotation, else kubernetes-id. */
function readSelector(annotations: Record<string, string>, problems: string[]): string | undefined {
  const selector = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
  if (selector !== undefined) {
    const problem = validateEntitySelector(selector);
    if (!problem) return selector;
    problems.push(`${describe(KUBERNETES_LABEL_SELECTOR_ANNOTATION, selector)} is not usable: ${problem}`);
    return undefined;
  }
  const id = annotations[KUBERNETES_ID_ANNOTATION];
  if (id === undefined) return undefined;
  const problem = id === '' ? 'must not be empty' : validateLabelValue(id);
  if (!problem) return `${KUBERNETES_ID_LABEL}=${id}`;
  problems.push(`${describe(KUBERNETES_ID_ANNOTATION, id)} is not a label value: ${problem}`);
  return undefined;
}

/** `Annotation <name> "<value>"`, the value quoted, escaped and shortened. */
function describe(annotation: string, value: string, what = 'value'): string {
  const shown = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
  return `Annotation ${annotation} ${what} ${JSON.stringify(shown)}`;
}
