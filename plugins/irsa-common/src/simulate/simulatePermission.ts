/**
 * The permission simulator: may this role perform this action on this
 * resource? Pure and isomorphic, like the trust verdict, and built on the
 * same matchers: Action names through the shared wildcard matcher
 * (case-insensitive), Resource ARNs segment by segment (case-sensitive),
 * Condition entries through the shared operators. Evaluation order and the
 * three-valued combination are in decide.ts; see
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import { cacheTables } from '../analysisCache';
import type { WildcardCompiler } from '../policy/wildcard';
import { decide, Decision, StatementsByRole } from './decide';
import { evaluateStatement, StatementOutcome } from './evaluate';
import { explainDecision } from './explain';
import { ReadPolicy, readSimulationInput, SimulationRequest } from './input';
import {
  SimulatePermissionInput,
  SimulatePermissionResult,
  SimulationInputError,
  SimulationInputProblem,
  SimulationStatementRef,
} from './types';

/** Every statement of the request's policies, evaluated and sorted by role. */
function evaluatePolicies(
  request: SimulationRequest,
  compile: WildcardCompiler,
): StatementsByRole {
  const evaluate = (policy: ReadPolicy) =>
    policy.statements.map(s => evaluateStatement(s, policy, request, compile));
  const identity = request.identityPolicies.flatMap(evaluate);
  const boundary = request.boundary ? evaluate(request.boundary) : undefined;
  const isDeny = (o: StatementOutcome) => o.statement.effect === 'Deny';
  return {
    denies: [...identity, ...(boundary ?? [])].filter(isDeny),
    identityAllows: identity.filter(o => !isDeny(o)),
    boundaryAllows: boundary?.filter(o => !isDeny(o)),
  };
}

function statementRef(outcome: StatementOutcome): SimulationStatementRef {
  const { statement, policy, applies, missingKeys } = outcome;
  return {
    policy: { ...policy },
    statementIndex: statement.index,
    ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
    effect: statement.effect,
    ...(applies === 'unknown' ? { missingContextKeys: [...missingKeys] } : {}),
  };
}

/** Every key the undecided statements need, each once (case-insensitively). */
function missingKeysOf(decision: Decision): string[] {
  const keys = new Map<string, string>();
  for (const outcome of decision.deciding) {
    for (const key of outcome.missingKeys) {
      if (!keys.has(key.toLowerCase())) keys.set(key.toLowerCase(), key);
    }
  }
  return [...keys.values()];
}

/**
 * Checks the input of {@link simulatePermission} without simulating.
 *
 * @returns every problem, each naming its field; empty when the input is valid
 * @public
 */
export function validateSimulationInput(
  input: SimulatePermissionInput,
): SimulationInputProblem[] {
  const read = readSimulationInput(input, cacheTables(input?.cache));
  return read.ok ? [] : read.problems;
}

/**
 * Simulates one request by an IAM role in its own account: may it perform
 * `action` on `resource`, given its identity policies (managed and inline),
 * its permissions boundary and what is known of the request's condition keys?
 * SCPs, RCPs, resource-based and session policies are out of scope.
 *
 * An explicit Deny wins; otherwise an identity Allow is needed and, with a
 * boundary, a boundary Allow too. A condition on a key the context does not
 * give is undecided (never guessed), except under `...IfExists` and `Null`;
 * when the decision hangs on undecided statements it is `unknown`, with
 * those statements and the keys they need.
 *
 * @param input - the request, the role's policies and the request context
 * @returns the decision, its reason, the deciding statements and an explanation
 * @throws {@link SimulationInputError} naming each bad field (a malformed
 *   action, resource, context or policy document)
 * @public
 */
export function simulatePermission(
  input: SimulatePermissionInput,
): SimulatePermissionResult {
  const cache = cacheTables(input?.cache);
  const read = readSimulationInput(input, cache);
  if (!read.ok) throw new SimulationInputError(read.problems);
  const { request } = read;
  const byRole = evaluatePolicies(request, cache.matcher);
  const decision = decide(byRole);
  const missingKeys = missingKeysOf(decision);
  return {
    decision: decision.decision,
    reason: decision.reason,
    deciding: decision.deciding.map(statementRef),
    ...(decision.decision === 'unknown'
      ? { missingContextKeys: missingKeys }
      : {}),
    explanation: explainDecision(decision, byRole, {
      action: request.action,
      resource: request.resource,
      missingKeys,
    }),
  };
}
