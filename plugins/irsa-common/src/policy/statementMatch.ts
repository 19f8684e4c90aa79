/**
 * The parts of a parsed statement that every evaluation asks the same way,
 * shared by the trust verdict and the permission simulator: does its Action /
 * NotAction cover an action, and how does one Condition entry fare against a
 * request's values.
 *
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import {
  compareConditionTokens,
  evaluateConditionEntry,
  isEqualsOperator,
} from './conditions';
import type { ParsedCondition, ParsedStatement } from './parse';
import {
  substituteVariables,
  UNKNOWN_VALUE,
  VariableResolver,
} from './variables';
import type { WildcardCompiler } from './wildcard';

/**
 * Whether a statement's Action element covers `action` (NotAction: does not
 * name it). Action names compare case-insensitively, with `*` and `?`.
 */
export function statementCoversAction(
  statement: ParsedStatement,
  action: string,
  compile: WildcardCompiler,
): boolean {
  const named = statement.actions.some(pattern =>
    compile(pattern, true)(action),
  );
  return statement.actionElement === 'Action' ? named : !named;
}

/** How one Condition entry fares: `unknown` when it depends on what is not known. */
export type ConditionOutcome = 'matched' | 'not-matched' | 'unknown';

const EVERY_VARIABLE_UNKNOWN: VariableResolver = () => UNKNOWN_VALUE;

/**
 * Evaluates one (operator, key) entry against the request's values of its
 * key (undefined: the request lacks the key). Values with policy variables
 * are substituted through `resolve` (absent: every variable is unknown);
 * callers on a hot path build it only when `condition.usesVariables`.
 */
export function conditionOutcome(
  condition: ParsedCondition,
  requestValues: readonly string[] | undefined,
  compile: WildcardCompiler,
  resolve: VariableResolver = EVERY_VARIABLE_UNKNOWN,
): ConditionOutcome {
  if (condition.usesVariables) {
    return outcomeWithVariables(condition, requestValues, resolve);
  }
  const matched = evaluateConditionEntry(
    condition.operator,
    condition.values,
    requestValues,
    undefined,
    compile,
  );
  return matched ? 'matched' : 'not-matched';
}

/**
 * The outcome of an entry whose values use policy variables. A value with an
 * unknown variable may or may not match: the entry is evaluated both ways,
 * and known only when they agree (each value's match moves the result one
 * way only).
 */
function outcomeWithVariables(
  condition: ParsedCondition,
  requestValues: readonly string[] | undefined,
  resolve: VariableResolver,
): ConditionOutcome {
  const { operator, values } = condition;
  const wildcards = !isEqualsOperator(operator.base);
  const substituted = values.map(v =>
    substituteVariables(v, resolve, wildcards),
  );
  const evaluate = (assumeUnknownMatches: boolean) =>
    evaluateConditionEntry(operator, values, requestValues, requestValue =>
      substituted.some(
        s =>
          s !== undefined &&
          (assumeUnknownMatches || !s.unknown) &&
          compareConditionTokens(operator.base, requestValue, s.tokens),
      ),
    );
  const possibly = evaluate(true);
  if (possibly !== evaluate(false)) return 'unknown';
  return possibly ? 'matched' : 'not-matched';
}
