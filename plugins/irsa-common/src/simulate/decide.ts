/**
 * The decision for one request by an IAM role in its own account, from its
 * identity policies and permissions boundary only (no SCPs, RCPs,
 * resource-based or session policies), as AWS documents it:
 *
 * 1. a Deny that applies, in any of them, denies (explicit deny);
 * 2. otherwise an identity-policy Allow must apply, else the request is
 *    implicitly denied;
 * 3. and, when the role has a permissions boundary, a boundary Allow must
 *    apply too (the effective permissions are the intersection), else the
 *    boundary implicitly denies it.
 *
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 *
 * Statements may be undecided (a condition key the context does not give).
 * Each of the three questions (does a Deny apply, an identity Allow, a
 * boundary Allow) is then answered in three values, Kleene's OR over its
 * statements: `yes` when one certainly applies, `no` when none can, else
 * `unknown`. The decision is what every way the unknowns could fall agrees
 * on, and `unknown` when they disagree:
 *
 * - a Deny that certainly applies wins over anything, unknown ones included;
 * - no identity Allow that can apply: denied (implicit), whatever undecided
 *   Deny statements would do; likewise a boundary with no Allow that can
 *   apply (reason `boundary`);
 * - allowed only when an identity Allow and (with a boundary) a boundary
 *   Allow certainly apply and no Deny can;
 * - anything else is unknown: an undecided Deny beside a certain Allow, an
 *   undecided Allow with no Deny, a certain Allow whose boundary Allow is
 *   undecided.
 */
import type { StatementOutcome, Truth } from './evaluate';
import type { SimulationDecision, SimulationReason } from './types';

/** The statements of the request's policies, by the question they answer. */
export interface StatementsByRole {
  /** Deny statements of the identity policies and the boundary. */
  denies: StatementOutcome[];
  identityAllows: StatementOutcome[];
  /** Undefined when the role has no permissions boundary. */
  boundaryAllows?: StatementOutcome[];
}

/** What was decided, and the statements that decided it. */
export interface Decision {
  decision: SimulationDecision;
  reason: SimulationReason;
  deciding: StatementOutcome[];
}

/** Kleene's OR: does one of the statements apply? */
function anyApplies(outcomes: readonly StatementOutcome[]): Truth {
  if (outcomes.some(o => o.applies === 'yes')) return 'yes';
  return outcomes.some(o => o.applies === 'unknown') ? 'unknown' : 'no';
}

function applying(outcomes: readonly StatementOutcome[], truth: Truth) {
  return outcomes.filter(o => o.applies === truth);
}

/** Decides the request from how each statement fared. */
export function decide(statements: StatementsByRole): Decision {
  const { denies, identityAllows, boundaryAllows } = statements;
  const denied = anyApplies(denies);
  const identityAllowed = anyApplies(identityAllows);
  const boundaryAllowed = boundaryAllows ? anyApplies(boundaryAllows) : 'yes';
  if (denied === 'yes') {
    return {
      decision: 'denied',
      reason: 'explicit-deny',
      deciding: applying(denies, 'yes'),
    };
  }
  if (identityAllowed === 'no') {
    return { decision: 'denied', reason: 'implicit-deny', deciding: [] };
  }
  if (boundaryAllowed === 'no') {
    return {
      decision: 'denied',
      reason: 'boundary',
      deciding: applying(identityAllows, 'yes'),
    };
  }
  if (
    denied === 'no' &&
    identityAllowed === 'yes' &&
    boundaryAllowed === 'yes'
  ) {
    return {
      decision: 'allowed',
      reason: 'allowed',
      deciding: [
        ...applying(identityAllows, 'yes'),
        ...applying(boundaryAllows ?? [], 'yes'),
      ],
    };
  }
  // Only the questions still open hold the decision up.
  const undecided = (outcomes: readonly StatementOutcome[], truth: Truth) =>
    truth === 'unknown' ? applying(outcomes, 'unknown') : [];
  return {
    decision: 'unknown',
    reason: 'undecided-conditions',
    deciding: [
      ...undecided(denies, denied),
      ...undecided(identityAllows, identityAllowed),
      ...undecided(boundaryAllows ?? [], boundaryAllowed),
    ],
  };
}
