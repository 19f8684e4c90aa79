/**
 * Body of `POST /provision/plan` and `POST /provision/apply` (DESIGN.md).
 *
 * @public
 */
export interface ProvisionRequest {
  /** The catalog entity the role is for, e.g. `component:default/payments-api`. */
  entityRef: string;
  cluster: string;
  namespace: string;
  serviceAccount: string;
  /** Derived from the binding when absent (at most 64 characters). */
  roleName?: string;
  managedPolicyArns?: string[];
  /** A policy document, as an object or a JSON string. */
  inlinePolicy?: string | Record<string, unknown>;
  permissionsBoundaryArn?: string;
  /** Default `sts.amazonaws.com`. */
  audience?: string;
  tags?: Record<string, string>;
  createNamespace?: boolean;
  overrideExistingServiceAccount?: boolean;
  adoptExistingRole?: boolean;
  exclusive?: boolean;
}

/**
 * One change that provisioning makes (plan) or made (apply).
 *
 * @public
 */
export type ProvisionChange = {
  target: string;
  action: string;
  detail: string;
};

/**
 * Answer of plan and apply: `changes` is empty when there is nothing to do.
 *
 * @public
 */
export interface ProvisionResult {
  roleArn: string;
  serviceAccount: string;
  changes: ProvisionChange[];
  verdict: { allowed: boolean; findings: Array<{ code: string; severity: string; message: string }> };
}
