/**
 * How widely an Allow statement for this cluster's provider trusts:
 * TRUST_SUB_UNRESTRICTED, TRUST_SUB_WILDCARD_CLUSTER / _NAMESPACE,
 * TRUST_AUD_UNRESTRICTED, conditions that restrict nothing, and
 * TRUST_STRINGEQUALS_WILDCARD (StringEquals against `*` / `?`).
 */
import { createFinding } from '../findings';
import {
  isEqualsOperator,
  isLikeOperator,
  isPositiveStringOperator,
} from '../policy/conditions';
import { compileWildcard } from '../policy/wildcard';
import { foreignKey } from './diagnose';
import type {
  ConditionResult,
  StatementEvaluation,
  TrustContext,
} from './evaluate';
import {
  addConditionValue,
  moveConditionEntry,
  replaceConditionValue,
  revealing,
  TrustFix,
} from './fixes';
import { PendingFinding, quote } from './pending';
import {
  narrowerScope,
  subjectValueScope,
  SubjectScope,
  widerScope,
} from './subject';

/**
 * Findings about how widely an Allow statement for this provider trusts:
 * no or wildcard `:sub`, no `:aud`, and conditions that restrict nothing.
 */
export function breadthFindings(
  evaluation: StatementEvaluation,
  context: TrustContext,
): PendingFinding[] {
  const index = evaluation.statement.index;
  const out: PendingFinding[] = [];
  const conditions = evaluation.conditions;
  const subjectConditions = conditions.filter(r => r.kind === 'subject');
  const mentionsClaim = (claim: string) =>
    conditions.some(
      r => r.condition.claimLower === claim && r.kind !== 'context',
    );

  if (!mentionsClaim('sub')) {
    out.push({
      finding: createFinding(
        'TRUST_SUB_UNRESTRICTED',
        `Statement ${index} lets any service account of the cluster behind ${context.issuer} assume the role: it has no "${context.subjectKey}" condition.`,
        {
          statementIndex: index,
          hint: `Add "StringEquals": { "${context.subjectKey}": "${context.subject}" } (see the suggested policy).`,
        },
      ),
      fix: addConditionValue(
        index,
        'StringEquals',
        context.subjectKey,
        context.subject,
      ),
    });
  } else if (subjectConditions.length > 0) {
    let scope: SubjectScope | undefined;
    const broadEntries: Array<{ result: ConditionResult; broad: string[] }> =
      [];
    for (const result of subjectConditions) {
      const { operator, values } = result.condition;
      if (!isPositiveStringOperator(operator.base)) continue;
      const wildcards = isLikeOperator(operator.base);
      let entryScope: SubjectScope = 'none';
      for (const value of values) {
        entryScope = widerScope(
          entryScope,
          subjectValueScope(value, wildcards),
        );
      }
      scope =
        scope === undefined ? entryScope : narrowerScope(scope, entryScope);
      const broad = values.filter(v => {
        const s = subjectValueScope(v, wildcards);
        return s === 'cluster' || s === 'namespace';
      });
      if (broad.length) broadEntries.push({ result, broad });
    }
    // Only negative conditions (StringNotEquals, Null, ...) on `:sub`: every
    // other service account of every namespace is admitted.
    const effective: SubjectScope = scope ?? 'cluster';
    if (effective === 'cluster' || effective === 'namespace') {
      const code =
        effective === 'cluster'
          ? 'TRUST_SUB_WILDCARD_CLUSTER'
          : 'TRUST_SUB_WILDCARD_NAMESPACE';
      const patterns = broadEntries.flatMap(e => e.broad);
      const subjectMatches = patterns.some(p =>
        compileWildcard(p)(context.subject),
      );
      const fixes: TrustFix[] = [];
      if (scope === undefined) {
        fixes.push(
          addConditionValue(
            index,
            'StringEquals',
            context.subjectKey,
            context.subject,
          ),
        );
      } else if (effective === 'cluster' || subjectMatches) {
        for (const { result, broad } of broadEntries) {
          for (const value of broad) {
            fixes.push(
              replaceConditionValue(
                index,
                result.condition.operator.name,
                result.condition.key,
                value,
                context.subject,
              ),
            );
          }
        }
      }
      const what =
        scope === undefined
          ? `its "${context.subjectKey}" conditions only exclude subjects`
          : `${quote(patterns)} match${patterns.length === 1 ? 'es' : ''} ${
              effective === 'cluster'
                ? 'service accounts in every namespace'
                : 'every matching service account of the namespace'
            }`;
      out.push({
        finding: createFinding(
          code,
          `Statement ${index} trusts more than one service account: ${what}.`,
          {
            statementIndex: index,
            hint: `Name the exact service accounts with StringEquals, e.g. "${
              context.subjectKey
            }": "${context.subject}"${
              fixes.length ? ' (the suggested policy keeps only this one)' : ''
            }.`,
          },
        ),
        fix: fixes.length
          ? document => fixes.forEach(fix => fix(document))
          : undefined,
      });
    }
  }

  if (!mentionsClaim('aud')) {
    out.push({
      finding: createFinding(
        'TRUST_AUD_UNRESTRICTED',
        `Statement ${index} does not check the token audience ("${context.audienceKey}"), so tokens minted for any audience are accepted.`,
        {
          statementIndex: index,
          hint: `Add "StringEquals": { "${context.audienceKey}": "${context.audience}" } (see the suggested policy).`,
        },
      ),
      fix: addConditionValue(
        index,
        'StringEquals',
        context.audienceKey,
        context.audience,
      ),
    });
  }

  for (const result of conditions) {
    const foreign =
      result.kind === 'other-issuer' ||
      result.kind === 'provider-arn' ||
      result.kind === 'issuer-claim';
    if (
      foreign &&
      result.outcome === 'matched' &&
      result.condition.operator.base !== 'Null'
    ) {
      out.push(foreignKey(index, result, context, true));
    }
  }
  return out;
}

/** StringEquals against `*` / `?`: matches only literally, in any statement. */
export function stringEqualsWildcardFindings(
  evaluations: StatementEvaluation[],
  context: TrustContext,
  relations: Map<number, string>,
): PendingFinding[] {
  const out: PendingFinding[] = [];
  for (const evaluation of evaluations) {
    const index = evaluation.statement.index;
    for (const result of evaluation.conditions) {
      const { operator, key, wildcardValues: literal } = result.condition;
      if (literal.length === 0 || !isEqualsOperator(operator.base)) continue;
      const likeOperator = operator.name.replace(
        /String(Not)?Equals(IgnoreCase)?/i,
        (_m, not) => (not ? 'StringNotLike' : 'StringLike'),
      );
      // Turning `system:serviceaccount:*` into a real wildcard would trust
      // every namespace; for this provider's `:sub`, narrow it instead.
      const narrow =
        result.kind === 'subject' &&
        !operator.negated &&
        relations.get(index) === 'ours' &&
        literal.some(v => subjectValueScope(v, true) === 'cluster');
      out.push({
        finding: createFinding(
          'TRUST_STRINGEQUALS_WILDCARD',
          `Statement ${index}: ${operator.name} compares "${key}" with ${quote(
            literal,
          )}, where "*" and "?" are not wildcards: only that exact text matches.`,
          {
            statementIndex: index,
            hint: narrow
              ? `Do not turn it into StringLike: that would trust every service account of the cluster. Name the service account instead ("${context.subject}", see the suggested policy).`
              : `Use ${likeOperator} for wildcard matching (see the suggested policy).`,
          },
        ),
        fix: narrow
          ? document =>
              literal
                .filter(v => subjectValueScope(v, true) === 'cluster')
                .forEach(v =>
                  replaceConditionValue(
                    index,
                    operator.name,
                    key,
                    v,
                    context.subject,
                  )(document),
                )
          : revealing(
              moveConditionEntry(index, operator.name, likeOperator, key),
            ),
      });
    }
  }
  return out;
}
