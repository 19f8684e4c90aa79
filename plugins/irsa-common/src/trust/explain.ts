/**
 * Per-statement explanations for the UI: whether principal, action and each
 * condition matched, what the policy expects and what the request carries.
 */
import type { ParsedStatement } from '../policy/parse';
import type { StatementEvaluation, TrustContext } from './evaluate';
import type { StatementExplanation } from './types';

/** `Type: value` labels of each parsed statement's principals, built once. */
const principalLabels = new WeakMap<ParsedStatement, string[]>();

/** Explains how one statement fared against the request. */
export function explainStatement(
  evaluation: StatementEvaluation,
  context: TrustContext,
): StatementExplanation {
  const { statement } = evaluation;
  const principal = statement.principal;
  let expectedPrincipals = principalLabels.get(statement);
  if (!expectedPrincipals) {
    expectedPrincipals = [];
    if (principal?.any && principal.byType.size === 0) {
      expectedPrincipals.push('*');
    }
    for (const [type, values] of principal?.byType ?? []) {
      const label =
        type === 'aws' ? 'AWS' : type.charAt(0).toUpperCase() + type.slice(1);
      for (const value of values) expectedPrincipals.push(`${label}: ${value}`);
    }
    principalLabels.set(statement, expectedPrincipals);
  }
  return {
    index: statement.index,
    sid: statement.sid,
    effect: statement.effect,
    applies: evaluation.applies,
    principal: {
      element: principal?.element ?? 'Principal',
      expected: expectedPrincipals.slice(),
      actual: `Federated: ${context.principal}`,
      matched: evaluation.principalMatched,
    },
    action: {
      element: statement.actionElement,
      expected: statement.actions,
      actual: context.action,
      matched: evaluation.actionMatched,
    },
    conditions: evaluation.conditions.map(result => ({
      operator: result.condition.operator.name,
      key: result.condition.key,
      keyKind: result.kind,
      expected: result.condition.values,
      actual: result.actual,
      outcome: result.outcome,
    })),
    conditionsMatched: evaluation.conditionsPassOptimistic,
  };
}
