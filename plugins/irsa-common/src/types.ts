/**
 * Shared types of the IRSA plugin family. The shapes the REST API returns
 * (findings, policy documents, roles, bindings, verdicts) are generated from
 * irsa-backend's src/schema/openapi.yaml into src/schema/openapi/generated and
 * re-exported here; this file adds the finding-code table and the domain
 * types that are not part of the API.
 */
import type {
  FindingCode,
  PolicyStatement,
  Severity,
} from './schema/openapi/generated';

export type {
  AnyPrincipal,
  AttachedPolicy,
  BindingPod,
  BindingSource,
  Finding,
  FindingCode,
  InlinePolicy,
  PolicyConditionValue,
  PolicyConditionValues,
  PolicyDocument,
  PolicyDocumentStatement,
  PolicyPrincipal,
  PolicyStatement,
  PolicyStatementEffectEnum,
  PrincipalMap,
  RoleDetails,
  ServiceAccountRef,
  Severity,
  StringOrStrings,
  TrustVerdict,
} from './schema/openapi/generated';

/**
 * Every severity, most severe first; handy for sorting and filters.
 *
 * @public
 */
export const SEVERITIES: readonly Severity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'info',
];

/**
 * The stable finding codes with their severities (docs/architecture.md, "Finding codes").
 * The UI, the REST API, tests and docs use these exact strings. Every key is a
 * {@link FindingCode} of the API contract (checked here at compile time); that
 * every code of the contract has an entry is checked by a test.
 *
 * @public
 */
export const FINDING_SEVERITIES = {
  OIDC_PROVIDER_MISSING: 'critical',
  OIDC_PROVIDER_AUDIENCE_MISSING: 'high',
  TRUST_ISSUER_MISMATCH: 'high',
  TRUST_PROVIDER_OTHER_ACCOUNT: 'high',
  TRUST_ACTION_MISMATCH: 'high',
  TRUST_SUB_MISMATCH: 'high',
  TRUST_AUD_MISMATCH: 'high',
  TRUST_CONDITION_KEY_FOREIGN: 'high',
  TRUST_STRINGEQUALS_WILDCARD: 'medium',
  TRUST_EXPLICIT_DENY: 'high',
  TRUST_SUB_UNRESTRICTED: 'critical',
  TRUST_SUB_WILDCARD_CLUSTER: 'critical',
  TRUST_SUB_WILDCARD_NAMESPACE: 'medium',
  TRUST_AUD_UNRESTRICTED: 'low',
  TRUST_SET_OPERATOR_MISUSE: 'medium',
  TRUST_POLICY_NEAR_LIMIT: 'low',
  TRUST_MALFORMED: 'high',
  SA_ANNOTATION_INVALID: 'high',
  SA_ROLE_NOT_FOUND: 'high',
  SA_ANNOTATION_KEY_TYPO: 'high',
  ROLE_NO_SERVICE_ACCOUNT: 'low',
  POD_NOT_INJECTED: 'high',
  POD_STATIC_CREDENTIALS: 'medium',
  SA_TOKEN_EXPIRATION_CLAMPED: 'low',
  POD_ROLE_STALE: 'medium',
  PERM_ADMIN: 'critical',
  PERM_PRIVILEGE_ESCALATION: 'high',
  PERM_SERVICE_WILDCARD: 'medium',
  PERM_WRITE_ON_ANY_RESOURCE: 'medium',
  PERM_NOT_ACTION: 'high',
} as const satisfies Record<FindingCode, Severity>;

/**
 * Every finding code, in the order of the table in docs/architecture.md.
 *
 * @public
 */
export const FINDING_CODES = Object.keys(
  FINDING_SEVERITIES,
) as readonly FindingCode[];

/**
 * A policy condition block: operator (e.g. `StringEquals`) to condition key to
 * one value or a list of values.
 *
 * @public
 */
export type PolicyCondition = NonNullable<PolicyStatement['Condition']>;

/**
 * A Kubernetes cluster whose service accounts may assume IAM roles.
 *
 * @public
 */
export interface Cluster {
  /** Name used in config, in `cluster/namespace/name` refs and in the UI. */
  name: string;
  /** AWS account the cluster (and normally its OIDC provider) lives in. */
  accountId: string;
  region: string;
  /**
   * OIDC issuer URL, from EKS DescribeCluster or configured for a non-EKS
   * cluster, e.g. `https://oidc.eks.us-west-2.amazonaws.com/id/ABC...`.
   */
  oidcIssuer: string;
  /** API server URL used to reach the cluster, when known. */
  apiServerUrl?: string;
}
