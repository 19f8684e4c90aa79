/**
 * TRUST_SET_OPERATOR_MISUSE: `ForAllValues:` / `ForAnyValue:` on this
 * issuer's `:sub` or `:aud`.
 *
 * The set qualifiers are meant for multivalued keys; `sub` and `aud` are
 * single-valued. AWS warns that `ForAllValues` with Allow is true when the key
 * is absent or empty, so such a condition is one copy-paste (another issuer's
 * prefix, a typo in the key) away from restricting nothing. For this issuer's
 * tokens, which always carry one `sub` and one `aud`, the plain operator
 * means exactly the same, so the fix is mechanical.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import type { StatementEvaluation } from './decide';
import { moveConditionEntry } from './fixes';
import { PendingFinding, statementFinding } from './pending';

/** Set qualifiers on this issuer's `:sub` / `:aud`, in every statement. */
export function setOperatorFindings(
  evaluations: StatementEvaluation[],
): PendingFinding[] {
  const out: PendingFinding[] = [];
  for (const { statement, conditions } of evaluations) {
    for (const { condition, kind } of conditions) {
      const { operator, key } = condition;
      if (!operator.qualifier) continue;
      if (kind !== 'subject' && kind !== 'audience') continue;
      const plain = operator.name.slice(operator.name.indexOf(':') + 1);
      // Moving into an entry that already exists would OR its values with
      // these instead of ANDing the two conditions.
      const taken = statement.conditions.some(
        c => c.operator.name === plain && c.key === key,
      );
      out.push(
        statementFinding(
          'TRUST_SET_OPERATOR_MISUSE',
          statement.index,
          `Statement ${statement.index} uses ${
            operator.name
          } on "${key}", a single-valued key: set operators are for multivalued keys, and ${
            operator.qualifier
          } is ${
            operator.qualifier === 'ForAllValues'
              ? 'also true when the key is absent'
              : 'false when the key is absent'
          }.`,
          `Use the plain operator ${plain} instead${
            taken ? '' : ' (see the suggested policy)'
          }: with one value per token it means the same.`,
          taken
            ? undefined
            : moveConditionEntry(statement.index, operator.name, plain, key),
        ),
      );
    }
  }
  return out;
}
