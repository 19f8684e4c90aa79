/**
 * Input and output of the permission simulator ({@link simulatePermission}).
 */
import type { AnalysisCache } from '../analysisCache';
import type { PolicyDocument } from '../types';

/**
 * An identity policy of the role: a managed policy (ARN and/or name) or an
 * inline policy (name).
 *
 * @public
 */
export interface SimulationPolicyInput {
  /** Attached managed policy, or inline policy of the role. */
  kind: 'managed' | 'inline';
  /** The policy's name (inline policies have only this). */
  name?: string;
  /** The managed policy's ARN. */
  arn?: string;
  /** Object, JSON, or URL-encoded JSON as IAM returns it. */
  document: string | PolicyDocument;
}

/**
 * The role's permissions boundary (a managed policy).
 *
 * @public
 */
export interface SimulationBoundaryInput {
  /** The boundary policy's name. */
  name?: string;
  /** The boundary policy's ARN. */
  arn?: string;
  /** Object, JSON, or URL-encoded JSON as IAM returns it. */
  document: string | PolicyDocument;
}

/**
 * Condition keys of the request (case-insensitive, as IAM compares them) to
 * their values. A key left out is not known: conditions on it are undecided,
 * except under `...IfExists` and `Null`, which read a key left out as absent.
 * An empty list says the request carries no value for the key (absent), and
 * every operator then follows AWS's rule for an absent key.
 *
 * @public
 */
export type SimulationContext = Record<string, string | string[]>;

/**
 * Input of {@link simulatePermission}.
 *
 * @public
 */
export interface SimulatePermissionInput {
  /** One concrete action, `service:Action` (no wildcards), e.g. `s3:GetObject`. */
  action: string;
  /**
   * One concrete resource ARN (no wildcards), or `*` for an action that acts
   * on no particular resource (e.g. `s3:ListAllMyBuckets`).
   */
  resource: string;
  /** The role's managed and inline policies. */
  identityPolicies: SimulationPolicyInput[];
  /** The role's permissions boundary; absent or null when it has none. */
  permissionsBoundary?: SimulationBoundaryInput | null;
  /** The request's condition keys; default none known. */
  context?: SimulationContext;
  /**
   * Shared with other analyses, so policies and patterns seen before are not
   * parsed again (see {@link createAnalysisCache}); default: one for this
   * call only.
   */
  cache?: AnalysisCache;
}

/**
 * Which policy a statement belongs to.
 *
 * @public
 */
export interface SimulationPolicyRef {
  /** An identity policy (managed or inline), or the permissions boundary. */
  kind: 'managed' | 'inline' | 'boundary';
  /** As the input named the policy. */
  name?: string;
  /** As the input named the policy. */
  arn?: string;
}

/**
 * A statement that decided the result (or could not be decided).
 *
 * @public
 */
export interface SimulationStatementRef {
  /** The policy the statement belongs to. */
  policy: SimulationPolicyRef;
  /** Index in the policy's Statement list (0-based). */
  statementIndex: number;
  /** The statement's Sid, when it has one. */
  sid?: string;
  /** The statement's Effect. */
  effect: 'Allow' | 'Deny';
  /**
   * For an undecided statement: the context keys it needs, as the policy
   * spells them (policy variables in lower case): left out of the context,
   * or given several values where a policy variable needs one.
   */
  missingContextKeys?: string[];
}

/**
 * The simulator's answer: `unknown` when it depends on condition keys the
 * context does not give.
 *
 * @public
 */
export type SimulationDecision = 'allowed' | 'denied' | 'unknown';

/**
 * Why: `allowed`; `explicit-deny` (a Deny statement applies);
 * `implicit-deny` (no identity-policy statement allows); `boundary` (the
 * identity policies allow but the permissions boundary does not);
 * `undecided-conditions` (the decision is `unknown`).
 *
 * @public
 */
export type SimulationReason =
  | 'allowed'
  | 'explicit-deny'
  | 'implicit-deny'
  | 'boundary'
  | 'undecided-conditions';

/**
 * Output of {@link simulatePermission}.
 *
 * @public
 */
export interface SimulatePermissionResult {
  /** May the role do it: allowed, denied, or unknown without more context. */
  decision: SimulationDecision;
  /** Why, in one word (see {@link SimulationReason}). */
  reason: SimulationReason;
  /**
   * By reason: `allowed`, the identity and boundary Allow statements that
   * apply; `explicit-deny`, the Deny statements that apply; `boundary`, the
   * identity Allow statements that apply (none of the boundary's does);
   * `implicit-deny`, none; `undecided-conditions`, the statements whose
   * conditions could not be decided and on which the decision hangs.
   */
  deciding: SimulationStatementRef[];
  /** With `undecided-conditions`: every context key the decision needs. */
  missingContextKeys?: string[];
  /** One or two sentences saying why, naming policies and statements. */
  explanation: string;
}

/**
 * A problem with the input of {@link simulatePermission}: the field, e.g.
 * `resource` or `identityPolicies[1].document`, and what is wrong with it.
 *
 * @public
 */
export interface SimulationInputProblem {
  /** The field, as a path into the input: `context["aws:SourceIp"]`. */
  field: string;
  /** What is wrong with it, quoting the value. */
  message: string;
}

/**
 * Thrown by {@link simulatePermission} for input it cannot simulate;
 * `problems` names every bad field.
 *
 * @public
 */
export class SimulationInputError extends Error {
  /** Every problem found, each naming its field. */
  readonly problems: SimulationInputProblem[];

  constructor(problems: SimulationInputProblem[]) {
    super(problems.map(p => `${p.field}: ${p.message}`).join('; '));
    this.name = 'SimulationInputError';
    this.problems = problems;
  }
}
