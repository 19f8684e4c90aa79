/**
 * Whether one statement applies to the simulated request, in three values:
 * `yes`, `no`, or `unknown` when it hangs on a condition key the context
 * does not give.
 *
 * A statement applies when its Action covers the action (NotAction: does not
 * name it), its Resource covers the resource (NotResource: does not name
 * it), and every Condition entry holds; entries are ANDed, so one entry that
 * certainly fails makes the statement not apply even when others are
 * unknown.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import type { ConditionOperator } from '../policy/conditions';
import type { ParsedCondition, ParsedStatement } from '../policy/parse';
import {
  resourcePatternMatches,
  resourceTokensMatch,
} from '../policy/resourceMatch';
import {
  conditionOutcome,
  ConditionOutcome,
  statementCoversAction,
} from '../policy/statementMatch';
import {
  hasPolicyVariable,
  substituteVariables,
  UNKNOWN_VALUE,
  VariableResolver,
} from '../policy/variables';
import { compilePattern, WildcardCompiler } from '../policy/wildcard';
import type { ReadPolicy, SimulationRequest } from './input';
import type { SimulationPolicyRef } from './types';

/** Three-valued truth: `unknown` when the context does not say. */
export type Truth = 'yes' | 'no' | 'unknown';

/** How one statement fared against the request. */
export interface StatementOutcome {
  policy: SimulationPolicyRef;
  statement: ParsedStatement;
  applies: Truth;
  /** With `applies: unknown`: the context keys it needs (no duplicates). */
  missingKeys: string[];
}

/** A part of a statement's outcome and, when unknown, the keys it needs. */
interface PartOutcome {
  outcome: ConditionOutcome;
  missing: string[];
}

/**
 * Resolves policy variables from the context, recording the keys it cannot
 * resolve: left out of the context, or given several values (AWS substitutes
 * only single-valued keys). An empty list is a key the request lacks.
 */
function contextResolver(
  context: SimulationRequest['context'],
  unresolved: string[],
): VariableResolver {
  return keyLower => {
    const values = context.get(keyLower);
    if (values !== undefined && values.length <= 1) return values[0];
    unresolved.push(keyLower);
    return UNKNOWN_VALUE;
  };
}

/**
 * `...IfExists` and `Null` are written for keys a request may lack: a key left
 * out of the context counts as absent for them. Every other operator needs
 * the key's value (or an empty list saying it is absent).
 */
function readsOmittedKeyAsAbsent(operator: ConditionOperator): boolean {
  return operator.ifExists || operator.base === 'Null';
}

function evaluateCondition(
  condition: ParsedCondition,
  request: SimulationRequest,
  compile: WildcardCompiler,
): PartOutcome {
  const values = request.context.get(condition.keyLower);
  if (values === undefined && !readsOmittedKeyAsAbsent(condition.operator)) {
    return { outcome: 'unknown', missing: [condition.key] };
  }
  const unresolved: string[] = [];
  const resolve = condition.usesVariables
    ? contextResolver(request.context, unresolved)
    : undefined;
  const outcome = conditionOutcome(condition, values, compile, resolve);
  return { outcome, missing: outcome === 'unknown' ? unresolved : [] };
}

/**
 * Whether one Resource value names the resource. With an unknown variable it
 * may: the variable stands as `*` and the whole ARN is matched at once (a `*`
 * there crosses colons), which matches everything any value could.
 */
function resourceValueOutcome(
  pattern: string,
  policy: ReadPolicy,
  request: SimulationRequest,
  compile: WildcardCompiler,
  unresolved: string[],
): ConditionOutcome {
  if (!policy.substitutesVariables || !hasPolicyVariable(pattern)) {
    return resourcePatternMatches(pattern, request.resource, compile)
      ? 'matched'
      : 'not-matched';
  }
  const resolve = contextResolver(request.context, unresolved);
  const substituted = substituteVariables(pattern, resolve, true);
  // A variable the request lacks, without a default: the value names nothing.
  if (!substituted) return 'not-matched';
  if (!substituted.unknown) {
    return resourceTokensMatch(substituted.tokens, request.resource)
      ? 'matched'
      : 'not-matched';
  }
  return compilePattern(substituted.tokens)(request.resource)
    ? 'unknown'
    : 'not-matched';
}

/** Whether the Resource / NotResource element covers the resource. */
function evaluateResource(
  statement: ParsedStatement,
  policy: ReadPolicy,
  request: SimulationRequest,
  compile: WildcardCompiler,
): PartOutcome {
  const unresolved: string[] = [];
  let named: ConditionOutcome = 'not-matched';
  for (const pattern of statement.resources) {
    const outcome = resourceValueOutcome(
      pattern,
      policy,
      request,
      compile,
      unresolved,
    );
    if (outcome === 'matched') {
      named = 'matched';
      break;
    }
    if (outcome === 'unknown') named = 'unknown';
  }
  let outcome = named;
  if (statement.resourceElement === 'NotResource' && named !== 'unknown') {
    outcome = named === 'matched' ? 'not-matched' : 'matched';
  }
  return { outcome, missing: outcome === 'unknown' ? unresolved : [] };
}

function withoutDuplicates(keys: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const key of keys) {
    if (!seen.has(key.toLowerCase())) seen.set(key.toLowerCase(), key);
  }
  return [...seen.values()];
}

/** Whether a statement applies to the request: action, resource, conditions. */
export function evaluateStatement(
  statement: ParsedStatement,
  policy: ReadPolicy,
  request: SimulationRequest,
  compile: WildcardCompiler,
): StatementOutcome {
  const no: StatementOutcome = {
    policy: policy.ref,
    statement,
    applies: 'no',
    missingKeys: [],
  };
  if (!statementCoversAction(statement, request.action, compile)) return no;
  const parts = [evaluateResource(statement, policy, request, compile)];
  if (parts[0].outcome === 'not-matched') return no;
  for (const condition of statement.conditions) {
    parts.push(evaluateCondition(condition, request, compile));
  }
  if (parts.some(part => part.outcome === 'not-matched')) return no;
  const undecided = parts.filter(part => part.outcome === 'unknown');
  if (undecided.length === 0) return { ...no, applies: 'yes' };
  return {
    ...no,
    applies: 'unknown',
    missingKeys: withoutDuplicates(undecided.flatMap(part => part.missing)),
  };
}
