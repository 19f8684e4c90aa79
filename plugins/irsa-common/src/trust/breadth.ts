/**
 * How widely an Allow statement for this cluster's provider trusts:
 * TRUST_SUB_UNRESTRICTED, TRUST_SUB_WILDCARD_CLUSTER / _NAMESPACE,
 * TRUST_AUD_UNRESTRICTED, conditions that restrict nothing, and
 * TRUST_STRINGEQUALS_WILDCARD (StringEquals against `*` / `?`). Severities
 * say what the policy really lets in: a condition that holds for every token
 * of this cluster does not count as a restriction.
 */
import {
  isEqualsOperator,
  isLikeOperator,
  isPositiveStringOperator,
} from '../policy/conditions';
import { substituteVariables } from '../policy/variables';
import { compilePattern, PatternToken } from '../policy/wildcard';
import type { ConditionResult, StatementEvaluation } from './decide';
import {
  addConditionValue,
  allFixes,
  moveConditionEntry,
  replaceConditionValue,
  revealing,
  TrustFix,
} from './fixes';
import { foreignKey } from './mismatch';
import { PendingFinding, quote, statementFinding } from './pending';
import { TrustContext, variableResolver } from './request';
import {
  narrowerScope,
  subjectPatternScope,
  subjectValueScope,
  SubjectScope,
  widerScope,
} from './subject';

/** What a condition does to the tokens of this issuer, whatever their claims. */
type ConditionEffect = 'restricts' | 'always' | 'never' | 'unknown';

/**
 * This issuer's `sub` and `aud` are in every web-identity request, so on
 * them `...IfExists` and the set qualifiers act as the plain operator, and
 * only Null is decided by presence alone. Other claims of the issuer, keys of
 * other issuers and keys prefixed with a provider ARN are never present, so
 * their outcome is the same for every token: true under the operators that
 * hold on an absent key (negated ones, `...IfExists`, `ForAllValues:`, Null
 * "true"), false under the others.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
function effectOf(result: ConditionResult): ConditionEffect {
  if (result.kind === 'context') return 'unknown';
  const claim = result.kind === 'subject' || result.kind === 'audience';
  if (claim && result.condition.operator.base !== 'Null') return 'restricts';
  return result.outcome === 'matched' ? 'always' : 'never';
}

/**
 * Findings about how widely an Allow statement for this provider trusts:
 * no effective or a wildcard `:sub`, no effective `:aud`, and conditions on
 * keys of other issuers that restrict nothing.
 */
export function breadthFindings(
  evaluation: StatementEvaluation,
  context: TrustContext,
): PendingFinding[] {
  const index = evaluation.statement.index;
  const conditions = evaluation.conditions;
  const subject: ConditionResult[] = [];
  const vacuousForeign: PendingFinding[] = [];
  let audienceChecked = false;
  let admitsNone = false;
  for (const result of conditions) {
    const effect = effectOf(result);
    if (effect === 'never') {
      admitsNone = true;
    } else if (effect === 'restricts') {
      if (result.kind === 'subject') subject.push(result);
      else audienceChecked = true;
    } else if (effect === 'always' && isForeign(result)) {
      vacuousForeign.push(foreignKey(index, result, context, true));
    }
  }
  // A condition that no token of this issuer satisfies: the statement admits
  // none of them (diagnoseStatement says why), so it is not too broad.
  if (admitsNone) return vacuousForeign;
  const out = subject.length
    ? wildcardSubject(index, subject, context)
    : [unrestrictedClaim(index, 'sub', conditions, context)];
  if (!audienceChecked) {
    out.push(unrestrictedClaim(index, 'aud', conditions, context));
  }
  out.push(...vacuousForeign);
  return out;
}

function isForeign(result: ConditionResult): boolean {
  return result.kind !== 'subject' && result.kind !== 'audience';
}

/** The conditions on a `sub` or `aud` key that hold for every token. */
function alwaysTrue(
  conditions: ConditionResult[],
  claim: 'sub' | 'aud',
): ConditionResult[] {
  return conditions.filter(
    r => r.condition.claimLower === claim && effectOf(r) === 'always',
  );
}

/** `: its conditions on "k" (Op) are always true for this cluster's tokens` */
function vacuousClause(vacuous: ConditionResult[]): string {
  if (vacuous.length === 0) return '';
  const entries = vacuous.map(
    r => `"${r.condition.key}" (${r.condition.operator.name})`,
  );
  return ` its condition${vacuous.length === 1 ? '' : 's'} on ${entries.join(
    ', ',
  )} ${
    vacuous.length === 1 ? 'is' : 'are'
  } always true for this cluster's tokens, so`;
}

/**
 * TRUST_SUB_UNRESTRICTED / TRUST_AUD_UNRESTRICTED: no condition on the
 * claim restricts it. The fix adds the canonical StringEquals.
 */
function unrestrictedClaim(
  index: number,
  claim: 'sub' | 'aud',
  conditions: ConditionResult[],
  context: TrustContext,
): PendingFinding {
  const vacuous = vacuousClause(alwaysTrue(conditions, claim));
  const [code, key, value, message] =
    claim === 'sub'
      ? ([
          'TRUST_SUB_UNRESTRICTED',
          context.subjectKey,
          context.subject,
          `Statement ${index} lets any service account of the cluster behind ${context.issuer} assume the role:${vacuous} it has no effective "${context.subjectKey}" condition.`,
        ] as const)
      : ([
          'TRUST_AUD_UNRESTRICTED',
          context.audienceKey,
          context.audience,
          `Statement ${index} does not check the token audience ("${context.audienceKey}"):${vacuous} tokens minted for any audience are accepted.`,
        ] as const);
  return statementFinding(
    code,
    index,
    message,
    `Add "StringEquals": { "${key}": "${value}" } (see the suggested policy).`,
    addConditionValue(index, 'StringEquals', key, value),
  );
}

/**
 * The pattern a `:sub` value stands for once its variables are substituted;
 * undefined when a variable the request lacks makes it match nothing.
 */
function substitutedSubject(
  result: ConditionResult,
  value: string,
  context: TrustContext,
): PatternToken[] | undefined {
  const resolve = variableResolver(context.issuerLower, context);
  const wildcards = isLikeOperator(result.condition.operator.base);
  return substituteVariables(value, resolve, wildcards)?.tokens;
}

function valueScope(
  result: ConditionResult,
  value: string,
  context: TrustContext,
): SubjectScope {
  const { operator, usesVariables } = result.condition;
  if (!usesVariables) {
    return subjectValueScope(value, isLikeOperator(operator.base));
  }
  const pattern = substitutedSubject(result, value, context);
  return pattern ? subjectPatternScope(pattern) : 'none';
}

/** Whether a wide `:sub` value (a StringLike pattern) admits this subject. */
function wideValueMatches(
  result: ConditionResult,
  value: string,
  context: TrustContext,
): boolean {
  if (!result.condition.usesVariables) {
    return context.cache.matcher(value)(context.subject);
  }
  const pattern = substitutedSubject(result, value, context);
  return !!pattern && compilePattern(pattern)(context.subject);
}

/** A condition on `:sub` and its values that admit more than one service account. */
interface BroadEntry {
  result: ConditionResult;
  broad: string[];
}

/**
 * How far the positive conditions on `:sub` reach together: they are ANDed,
 * so the narrowest decides; undefined when there are none.
 */
function subjectReach(
  subjectConditions: ConditionResult[],
  context: TrustContext,
): { scope?: SubjectScope; broadEntries: BroadEntry[] } {
  let scope: SubjectScope | undefined;
  const broadEntries: BroadEntry[] = [];
  for (const result of subjectConditions) {
    if (!isPositiveStringOperator(result.condition.operator.base)) continue;
    let entryScope: SubjectScope = 'none';
    const broad: string[] = [];
    for (const value of result.condition.values) {
      const reach = valueScope(result, value, context);
      entryScope = widerScope(entryScope, reach);
      if (reach === 'cluster' || reach === 'namespace') broad.push(value);
    }
    scope = scope === undefined ? entryScope : narrowerScope(scope, entryScope);
    if (broad.length) broadEntries.push({ result, broad });
  }
  return { scope, broadEntries };
}

/**
 * Fixes that keep only this service account: add it when `:sub` is only
 * excluded from, replace the wide values when they reach every namespace or
 * admit this service account among others. A namespace pattern that does
 * not admit it is left alone: it may well be meant.
 */
function narrowingFixes(
  index: number,
  scope: SubjectScope | undefined,
  broadEntries: BroadEntry[],
  context: TrustContext,
): TrustFix[] {
  const { subjectKey, subject } = context;
  if (scope === undefined) {
    return [addConditionValue(index, 'StringEquals', subjectKey, subject)];
  }
  const subjectMatches = broadEntries.some(({ result, broad }) =>
    broad.some(value => wideValueMatches(result, value, context)),
  );
  if (scope !== 'cluster' && !subjectMatches) return [];
  return broadEntries.flatMap(({ result, broad }) =>
    broad.map(value =>
      replaceConditionValue(
        index,
        result.condition.operator.name,
        result.condition.key,
        value,
        subject,
      ),
    ),
  );
}

/**
 * TRUST_SUB_WILDCARD_CLUSTER / _NAMESPACE from the conditions on `:sub` that
 * restrict it.
 */
function wildcardSubject(
  index: number,
  subjectConditions: ConditionResult[],
  context: TrustContext,
): PendingFinding[] {
  const { scope, broadEntries } = subjectReach(subjectConditions, context);
  // Only negative conditions (StringNotEquals, ...) on `:sub`: every other
  // service account of every namespace is admitted.
  const effective: SubjectScope = scope ?? 'cluster';
  if (effective !== 'cluster' && effective !== 'namespace') return [];
  const fixes = narrowingFixes(index, scope, broadEntries, context);
  const patterns = broadEntries.flatMap(e => e.broad);
  const what =
    scope === undefined
      ? `its "${context.subjectKey}" conditions only exclude subjects`
      : `${quote(patterns)} match${patterns.length === 1 ? 'es' : ''} ${
          effective === 'cluster'
            ? 'service accounts in every namespace'
            : 'every matching service account of the namespace'
        }`;
  return [
    statementFinding(
      effective === 'cluster'
        ? 'TRUST_SUB_WILDCARD_CLUSTER'
        : 'TRUST_SUB_WILDCARD_NAMESPACE',
      index,
      `Statement ${index} trusts more than one service account: ${what}.`,
      `Name the exact service accounts with StringEquals, e.g. "${
        context.subjectKey
      }": "${context.subject}"${
        fixes.length ? ' (the suggested policy keeps only this one)' : ''
      }.`,
      fixes.length ? allFixes(fixes) : undefined,
    ),
  ];
}

/** StringEquals against `*` / `?`: matches only literally, in any statement. */
export function stringEqualsWildcardFindings(
  evaluations: StatementEvaluation[],
  context: TrustContext,
): PendingFinding[] {
  const out: PendingFinding[] = [];
  for (const evaluation of evaluations) {
    for (const result of evaluation.conditions) {
      const { wildcardValues, operator } = result.condition;
      if (wildcardValues.length > 0 && isEqualsOperator(operator.base)) {
        out.push(stringEqualsWildcard(evaluation, result, context));
      }
    }
  }
  return out;
}

function stringEqualsWildcard(
  evaluation: StatementEvaluation,
  result: ConditionResult,
  context: TrustContext,
): PendingFinding {
  const index = evaluation.statement.index;
  const { operator, key, wildcardValues: literal } = result.condition;
  const likeOperator = operator.name.replace(
    /String(Not)?Equals(IgnoreCase)?/i,
    (_m, not) => (not ? 'StringNotLike' : 'StringLike'),
  );
  // Turning `system:serviceaccount:*` into a real wildcard would trust every
  // namespace; for this provider's `:sub`, narrow it instead.
  const variables = result.condition.usesVariables;
  const clusterWide = literal.filter(
    v => subjectValueScope(v, true, variables) === 'cluster',
  );
  const narrow =
    result.kind === 'subject' &&
    !operator.negated &&
    evaluation.principal.relation === 'ours' &&
    clusterWide.length > 0;
  const fix = narrow
    ? allFixes(
        clusterWide.map(v =>
          replaceConditionValue(index, operator.name, key, v, context.subject),
        ),
      )
    : revealing(moveConditionEntry(index, operator.name, likeOperator, key));
  return statementFinding(
    'TRUST_STRINGEQUALS_WILDCARD',
    index,
    `Statement ${index}: ${operator.name} compares "${key}" with ${quote(
      literal,
    )}, where "*" and "?" are not wildcards: only that exact text matches.`,
    narrow
      ? `Do not turn it into StringLike: that would trust every service account of the cluster. Name the service account instead ("${context.subject}", see the suggested policy).`
      : `Use ${likeOperator} for wildcard matching (see the suggested policy).`,
    fix,
  );
}
