/**
 * Per-statement explanations for the UI: whether principal, action and each
 * condition matched, what the policy expects and what the request carries.
 */
import type { ParsedStatement } from '../policy/parse';
import type { StatementEvaluation } from './decide';
import type { TrustContext } from './request';
import type { StatementExplanation } from './types';

/** `Type: value` labels of a statement's principals. */
function principalLabels(statement: ParsedStatement): string[] {
  const principal = statement.principal;
  const labels: string[] = [];
  if (principal?.any && principal.byType.size === 0) labels.push('*');
  for (const [type, values] of principal?.byType ?? []) {
    const label =
      type === 'aws' ? 'AWS' : type.charAt(0).toUpperCase() + type.slice(1);
    for (const value of values) labels.push(`${label}: ${value}`);
  }
  return labels;
}

/** Explains how one statement fared against the request. */
export function explainStatement(
  evaluation: StatementEvaluation,
  context: TrustContext,
): StatementExplanation {
  const { statement } = evaluation;
  const principal = statement.principal;
  // Parsed statements are shared through the cache: label them once.
  const expectedPrincipals = context.cache.principalLabels.get(
    statement,
    principalLabels,
  );
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
