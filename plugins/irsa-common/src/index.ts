/**
 * Common types, permissions, and the pure trust / permission analysis and
 * permission simulator of the IRSA plugin. Isomorphic: no Node-only APIs, the
 * frontend imports it too.
 *
 * @packageDocumentation
 */

export * from './permissions';

// The REST API contract, generated from irsa-backend's src/schema/openapi.yaml
// (`yarn workspace @irsa-backstage/plugin-irsa-backend generate`): a typed
// client and the response shapes. The shapes the analysis also produces
// (Finding, TrustVerdict, RoleDetails, ...) are re-exported below.
export { DefaultApiClient as IrsaBackendClient } from './schema/openapi';
export type {
  ActionsByAccessLevel,
  ApplyProvisioning,
  CreateReview,
  AuditEvent,
  AuditEventPage,
  AuditEventResultEnum,
  ClusterError,
  ClusterList,
  ClusterStatus,
  ClusterStatusIssuerSourceEnum,
  ClusterStatusOidcProviderEnum,
  EntityBinding,
  EntityBindings,
  GetEntityBindings,
  GetHealth,
  HealthStatus,
  HealthStatusStatusEnum,
  InventoryBinding,
  InventoryBindingSourceEnum,
  InventoryPage,
  InventorySource,
  InventorySourceKindEnum,
  ListInventoryBindings,
  ListAuditEvents,
  ListClusters,
  ListReviews,
  MalformedPolicy,
  ActionPatternExpansion,
  PermissionAnalysis,
  PermissionStatement,
  PermissionStatementActionElementEnum,
  PermissionStatementEffectEnum,
  PermissionStatementResourceElementEnum,
  PermissionSummary,
  ServiceActionCount,
  StatementActions,
  StatementCondition,
  PlanProvisioning,
  ProvisionChange,
  ProvisionChangeActionEnum,
  ProvisionChangeTargetEnum,
  ProvisionRequest,
  ProvisionRequestInlinePolicy,
  ProvisionResult,
  RequestOptions,
  Review,
  ReviewPage,
  ReviewRequest,
  SimulatePermission,
  SimulateRequest,
  SimulationPolicy,
  SimulationPolicyKindEnum,
  SimulationResult,
  SimulationResultDecisionEnum,
  SimulationResultReasonEnum,
  SimulationStatement,
  SimulationStatementEffectEnum,
  TypedResponse,
  VerifyBinding,
  VerifyRequest,
  WatchStaleness,
} from './schema/openapi';
export * from './types';
export { highestSeverity, sortFindings } from './findings';
export { reviewBindingKey, roleReviewHash } from './reviewHash';

export { createAnalysisCache } from './analysisCache';
export type { AnalysisCache, AnalysisCacheOptions } from './analysisCache';

export { analyzeTrust } from './trust/analyzeTrust';
export type {
  ActionExplanation,
  ActionExplanationElementEnum,
  AnalyzeTrustInput,
  AnalyzeTrustResult,
  ConditionExplanation,
  ConditionExplanationOutcomeEnum,
  ConditionKeyKind,
  OidcProviderInfo,
  PrincipalExplanation,
  PrincipalExplanationElementEnum,
  StatementExplanation,
  StatementExplanationEffectEnum,
  TrustRequest,
} from './trust/types';
export {
  buildIrsaTrustPolicy,
  buildIrsaTrustStatement,
  DEFAULT_AUDIENCE,
} from './trust/canonical';
// Provisioning's guardrails match policy ARNs and refuse escalation actions.
export { matchesWildcard } from './policy/wildcard';
export { SINGLE_ACTION_ESCALATIONS } from './permissions-analysis/privilegeEscalation';
export type { PrivilegeEscalationPath } from './permissions-analysis/privilegeEscalation';
export type { IrsaTrustParams } from './trust/canonical';
export { addIrsaTrustStatement } from './trust/addIrsaTrustStatement';
export {
  buildOidcProviderArn,
  normalizeIssuer,
  parseOidcProviderArn,
} from './trust/issuer';
export type { OidcProviderArnParts } from './trust/issuer';
export { serviceAccountSubject } from './trust/subject';

export { analyzePermissions } from './permissions-analysis/analyzePermissions';
export type {
  AnalyzePermissionsInput,
  AnalyzePermissionsResult,
  PermissionPolicyInput,
} from './permissions-analysis/analyzePermissions';
export type { AccessLevel } from './permissions-analysis/accessLevels';
export { describePermissionStatements } from './permissions-analysis/permissionStatements';
export type {
  DescribePermissionStatementsInput,
  PermissionStatementsPolicy,
} from './permissions-analysis/permissionStatements';

export {
  simulatePermission,
  validateSimulationInput,
} from './simulate/simulatePermission';
export { SimulationInputError } from './simulate/types';
export type {
  SimulatePermissionInput,
  SimulatePermissionResult,
  SimulationBoundaryInput,
  SimulationContext,
  SimulationDecision,
  SimulationInputProblem,
  SimulationPolicyInput,
  SimulationPolicyRef,
  SimulationReason,
  SimulationStatementRef,
} from './simulate/types';

export { analyzeServiceAccount } from './discovery/analyzeServiceAccount';
export type {
  AnalyzeServiceAccountInput,
  AnalyzeServiceAccountResult,
  PodInjectionStatus,
} from './discovery/analyzeServiceAccount';
export { analyzeRoleUsage } from './discovery/analyzeRoleUsage';
export type {
  AnalyzeRoleUsageInput,
  AnalyzeRoleUsageResult,
  RoleUsageCluster,
  TrustedSubject,
} from './discovery/analyzeRoleUsage';
export {
  AUDIENCE_ANNOTATION,
  ROLE_ARN_ANNOTATION,
  SERVICE_ACCOUNTS_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  SKIP_CONTAINERS_ANNOTATION,
  TOKEN_EXPIRATION_ANNOTATION,
} from './discovery/kubernetes';
export type {
  ContainerLike,
  EnvVarLike,
  ObjectMetaLike,
  PodLike,
  ServiceAccountLike,
} from './discovery/kubernetes';

export { decodePolicyText } from './policy/text';
export { parsePolicyDocument, PolicyParseError } from './policy/parse';
export type { PolicyKind } from './policy/parse';
export {
  MANAGED_POLICY_SIZE_QUOTA,
  policySize,
  ROLE_INLINE_POLICIES_SIZE_QUOTA,
  TRUST_POLICY_SIZE_QUOTA,
} from './policy/size';

export {
  deriveRoleName,
  MAX_ROLE_NAME_LENGTH,
  parsePolicyArn,
  parseRoleArn,
  validateAwsAccountId,
  validateDns1123Label,
  validateDns1123Subdomain,
  validateIamPath,
  validateIamPolicyName,
  validateIamRoleName,
  validateNamespaceName,
  validatePolicyArn,
  validateRoleArn,
  validateServiceAccountName,
} from './validation';
export type {
  DeriveRoleNameParams,
  PolicyArnParts,
  RoleArnParts,
} from './validation';
