/**
 * The trust verdict: would `sts:AssumeRoleWithWebIdentity` succeed for a token
 * of this service account against this role, and if not, exactly why?
 */
import { createFinding, severityRank, sortFindings } from '../findings';
import { parsePolicyCached } from '../policy/cache';
import {
  isEqualsOperator,
  isLikeOperator,
  isPositiveStringOperator,
} from '../policy/conditions';
import type {
  NormalizedPolicyDocument,
  ParsedPolicy,
  ParsedStatement,
} from '../policy/parse';
import { TRUST_POLICY_SIZE_QUOTA } from '../policy/size';
import { compileWildcard } from '../policy/wildcard';
import type { Finding, PolicyDocument } from '../types';
import { parseRoleArnShared } from '../validation';
import {
  buildIrsaTrustPolicy,
  buildIrsaTrustStatement,
  WEB_IDENTITY_ACTION,
} from './canonical';
import {
  buildTrustContext,
  ConditionResult,
  evaluateStatement,
  relatePrincipal,
  StatementEvaluation,
  TrustContext,
} from './evaluate';
import {
  addAction,
  addConditionValue,
  appendStatement,
  applyFixes,
  moveConditionEntry,
  renameConditionKey,
  replaceConditionValue,
  replaceDocument,
  replaceFederatedPrincipal,
  revealing,
  TrustFix,
} from './fixes';
import {
  narrowerScope,
  subjectValueScope,
  SubjectScope,
  widerScope,
} from './subject';
import type {
  ConditionKeyKind,
  AnalyzeTrustInput,
  AnalyzeTrustResult,
  StatementExplanation,
} from './types';
import { correctAudienceTypo, correctSubjectTypo } from './typos';

/** How often the combined suggestion is re-analysed and fixed again. */
const MAX_REFINEMENTS = 3;

/** Over 90% of the default trust-policy quota. */
const NEAR_LIMIT_SIZE = Math.floor(TRUST_POLICY_SIZE_QUOTA * 0.9);

/** A finding and, where the correction is mechanical, its fix. */
interface PendingFinding {
  finding: Finding;
  fix?: TrustFix;
}

function quote(values: readonly string[]): string {
  return values.map(v => `"${v}"`).join(', ');
}

function providerFindings(
  input: AnalyzeTrustInput,
  context: TrustContext,
): PendingFinding[] {
  if (!input.oidcProviders) return []; // unknown: nothing to say
  // Exact match first: lower-casing every provider ARN on every call is the
  // expensive part.
  const provider = input.oidcProviders.find(
    p =>
      p.arn === context.principal ||
      (p.arn.length === context.principal.length &&
        p.arn.toLowerCase() === context.principalLower),
  );
  if (!provider) {
    return [
      {
        finding: createFinding(
          'OIDC_PROVIDER_MISSING',
          `Account ${context.roleAccountId} has no IAM OIDC provider for issuer ${context.issuer}, so STS rejects every token of this cluster (InvalidIdentityToken).`,
          {
            hint: `Create it in the role's account: aws iam create-open-id-connect-provider --url https://${context.issuer} --client-id-list ${context.audience} (or eksctl utils associate-iam-oidc-provider --cluster <name> --approve).`,
          },
        ),
      },
    ];
  }
  if (provider.clientIds && !provider.clientIds.includes(context.audience)) {
    return [
      {
        finding: createFinding(
          'OIDC_PROVIDER_AUDIENCE_MISSING',
          `The OIDC provider ${provider.arn} lists the client IDs ${
            provider.clientIds.length ? quote(provider.clientIds) : '(none)'
          } but not the token's audience "${
            context.audience
          }", so STS answers "Incorrect token audience".`,
          {
            hint: `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${provider.arn} --client-id ${context.audience}`,
          },
        ),
      },
    ];
  }
  return [];
}

/** `Type: value` labels of each parsed statement's principals, built once. */
const principalLabels = new WeakMap<ParsedStatement, string[]>();

function explainStatement(
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

/** Why an Allow statement for this provider does not admit the request. */
function diagnoseStatement(
  evaluation: StatementEvaluation,
  context: TrustContext,
): PendingFinding[] {
  const index = evaluation.statement.index;
  const out: PendingFinding[] = [];
  if (!evaluation.actionMatched) {
    const element = evaluation.statement.actionElement;
    out.push({
      finding: createFinding(
        'TRUST_ACTION_MISMATCH',
        `Statement ${index} federates this cluster's provider but its ${element} (${quote(
          evaluation.statement.actions,
        )}) does not allow ${WEB_IDENTITY_ACTION}, the only action a pod's web-identity token can use.`,
        {
          statementIndex: index,
          hint: `Set "Action": "${WEB_IDENTITY_ACTION}" in statement ${index} (sts:AssumeRole is for IAM principals, not tokens).`,
        },
      ),
      fix:
        element === 'Action'
          ? revealing(addAction(index, WEB_IDENTITY_ACTION))
          : undefined,
    });
    return out;
  }
  for (const result of evaluation.conditions) {
    if (result.outcome !== 'not-matched') continue;
    if (result.kind === 'subject') {
      out.push(subjectMismatch(index, result, context));
    } else if (result.kind === 'audience') {
      out.push(audienceMismatch(index, result, context));
    } else if (result.kind !== 'context') {
      out.push(foreignKey(index, result, context, false));
    }
  }
  return out;
}

function audienceMismatch(
  index: number,
  result: ConditionResult,
  context: TrustContext,
): PendingFinding {
  const { operator, key, values } = result.condition;
  if (operator.negated) {
    return {
      finding: createFinding(
        'TRUST_AUD_MISMATCH',
        `Statement ${index} excludes the audience "${context.audience}" with ${operator.name} on "${key}".`,
        {
          statementIndex: index,
          hint: 'Use another audience for this service account (eks.amazonaws.com/audience annotation), or remove the exclusion.',
        },
      ),
    };
  }
  const typo = values
    .map(value => ({
      value,
      correction: correctAudienceTypo(value, context.audience),
    }))
    .find(candidate => candidate.correction);
  return {
    finding: createFinding(
      'TRUST_AUD_MISMATCH',
      `Statement ${index} expects the audience ${quote(values)} (${
        operator.name
      } on "${key}"), but this token carries "${context.audience}"${
        typo ? `: ${typo.correction!.explanation}` : ''
      }.`,
      {
        statementIndex: index,
        hint: typo
          ? `Correct the value to "${context.audience}" (see the suggested policy).`
          : `The audience comes from the service account's eks.amazonaws.com/audience annotation (default sts.amazonaws.com). Align the annotation and the condition; the suggested policy adds "${context.audience}".`,
      },
    ),
    fix: typo
      ? replaceConditionValue(
          index,
          operator.name,
          key,
          typo.value,
          typo.correction!.corrected,
        )
      : addConditionValue(index, operator.name, key, context.audience),
  };
}

function subjectMismatch(
  index: number,
  result: ConditionResult,
  context: TrustContext,
): PendingFinding {
  const { operator, key, values } = result.condition;
  if (operator.negated) {
    return {
      finding: createFinding(
        'TRUST_SUB_MISMATCH',
        `Statement ${index} excludes this service account ("${context.subject}") with ${operator.name} on "${key}".`,
        {
          statementIndex: index,
          hint: `The exclusion looks deliberate: annotate the service account with a role meant for it, or remove "${context.subject}" from the ${operator.name} list.`,
        },
      ),
    };
  }
  const wildcards = isLikeOperator(operator.base);
  const typo = values
    .map(value => ({
      value,
      correction: correctSubjectTypo(
        value,
        context.namespace,
        context.name,
        wildcards,
      ),
    }))
    .find(candidate => candidate.correction);
  const message = `Statement ${index} admits only ${quote(
    values,
  )} for "${key}" (${
    operator.name
  }), but this service account's token carries "${context.subject}"${
    typo ? `: ${typo.correction!.explanation}` : ''
  }.`;
  return {
    finding: createFinding('TRUST_SUB_MISMATCH', message, {
      statementIndex: index,
      hint: typo
        ? `Correct the value to "${
            typo.correction!.corrected
          }" (see the suggested policy).`
        : `Either annotate the service account with the role meant for it, or, if it should use this role, add "${context.subject}" to the condition (see the suggested policy).`,
    }),
    fix: typo
      ? replaceConditionValue(
          index,
          operator.name,
          key,
          typo.value,
          typo.correction!.corrected,
        )
      : addConditionValue(index, operator.name, key, context.subject),
  };
}

function foreignKey(
  index: number,
  result: ConditionResult,
  context: TrustContext,
  voidRestriction: boolean,
): PendingFinding {
  const { operator, key } = result.condition;
  const claim = result.condition.claimLower;
  const reasons: Partial<Record<ConditionKeyKind, string>> = {
    'provider-arn':
      'is prefixed with a provider ARN, but IAM names web-identity keys after the issuer host/path',
    'other-issuer': 'belongs to another issuer',
    'issuer-claim': `is a claim service-account tokens of ${context.issuer} never carry`,
  };
  const why = reasons[result.kind];
  const effect = voidRestriction
    ? 'so the condition is always true and restricts nothing'
    : 'so the condition can never hold and the statement never applies';
  const renamable =
    (claim === 'sub' || claim === 'aud') && result.kind !== 'issuer-claim';
  const correctKey = `${context.issuer}:${claim}`;
  return {
    finding: createFinding(
      'TRUST_CONDITION_KEY_FOREIGN',
      `Statement ${index}: the condition key "${key}" (${operator.name}) ${why}; it is never present in this cluster's requests, ${effect}.`,
      {
        statementIndex: index,
        hint: renamable
          ? `Use "${correctKey}" instead.`
          : `Remove the condition or replace it with one on "${context.subjectKey}" / "${context.audienceKey}".`,
      },
    ),
    fix: renamable
      ? revealing(renameConditionKey(index, operator.name, key, correctKey))
      : undefined,
  };
}

/**
 * Findings about how widely an Allow statement for this provider trusts:
 * no or wildcard `:sub`, no `:aud`, and conditions that restrict nothing.
 */
function breadthFindings(
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
function stringEqualsWildcardFindings(
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

function malformedFinding(
  problems: string[],
  context?: TrustContext,
): PendingFinding {
  return {
    finding: createFinding(
      'TRUST_MALFORMED',
      `The trust policy is not a valid policy document: ${problems
        .slice(0, 5)
        .join('; ')}${
        problems.length > 5 ? `; and ${problems.length - 5} more` : ''
      }.`,
      {
        hint: context
          ? 'Replace it with a valid trust policy; the suggested policy is the canonical one for this service account.'
          : 'Replace it with a valid trust policy.',
      },
    ),
  };
}

/** What to suggest: nothing, only the combined policy, or also one per finding. */
type SuggestionMode = 'none' | 'combined' | 'all';

/** A result plus whether its suggestion should be analysed again. */
interface Analysis {
  result: AnalyzeTrustResult;
  mayRevealMore: boolean;
}

function withSuggestions(
  pending: PendingFinding[],
  document: NormalizedPolicyDocument | undefined,
  mode: SuggestionMode,
): {
  findings: Finding[];
  suggestedTrustPolicy?: PolicyDocument;
  mayRevealMore: boolean;
} {
  const fixes: TrustFix[] = [];
  let lastSuggestion: PolicyDocument | undefined;
  const findings = pending.map(({ finding, fix }) => {
    if (mode !== 'none' && fix && document) {
      fixes.push(fix);
      if (mode === 'all') {
        // The finding was created for this result alone: annotate in place.
        lastSuggestion = applyFixes(document, [fix]);
        finding.suggestedTrustPolicy = lastSuggestion;
      }
    }
    return finding;
  });
  let suggestedTrustPolicy: PolicyDocument | undefined;
  if (fixes.length === 1 && lastSuggestion) {
    suggestedTrustPolicy = lastSuggestion; // the same single fix
  } else if (fixes.length > 0 && document) {
    suggestedTrustPolicy = applyFixes(document, fixes);
  }
  // Findings are ordered most severe first (a stable sort keeps the order of
  // equal severities).
  findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  return {
    findings,
    suggestedTrustPolicy,
    mayRevealMore: fixes.some(fix => fix.reveals),
  };
}

/**
 * Decides whether a pod running as a service account can assume a role with
 * its projected web-identity token, explains each statement's match, and
 * reports findings (DESIGN.md "Trust verdict — the contract").
 *
 * Follows AWS's evaluation: an explicit Deny wins; an Allow needs a
 * statement whose Principal, Action and every Condition match. Global
 * context keys (such as `aws:SourceIp`) cannot be known here: an Allow
 * conditioned on them is assumed to apply, a Deny is not.
 *
 * @param input - the trust policy, the role ARN, the service account, the
 *   cluster's issuer and, if known, the role account's OIDC providers
 * @returns `allowed`, the findings (most severe first) and the indices of the
 *   statements that apply, plus per-statement explanations and, for
 *   mechanical problems, suggested trust policies
 * @public
 */
export function analyzeTrust(input: AnalyzeTrustInput): AnalyzeTrustResult {
  const first = analyzeOnce(
    input,
    input.suggestFixes === false ? 'none' : 'all',
  );
  const result = first.result;
  let mayRevealMore = first.mayRevealMore;
  // Fixing one problem can reveal the next (a statement moved to this
  // provider has no :sub condition yet): refine the combined suggestion until
  // it has nothing left to fix.
  let suggested = result.suggestedTrustPolicy;
  for (let round = 0; mayRevealMore && round < MAX_REFINEMENTS; round++) {
    const next = analyzeOnce(
      {
        ...input,
        trustPolicy: suggested!,
        oidcProviders: null,
        explain: false,
      },
      'combined',
    );
    if (!next.result.suggestedTrustPolicy) break;
    suggested = next.result.suggestedTrustPolicy;
    mayRevealMore = next.mayRevealMore;
  }
  if (suggested) result.suggestedTrustPolicy = suggested;
  return result;
}

function analyzeOnce(
  input: AnalyzeTrustInput,
  suggest: SuggestionMode,
): Analysis {
  const explain = input.explain !== false;
  const role = parseRoleArnShared(input.roleArn);
  const parsed = parsePolicyCached(input.trustPolicy, 'trust');

  if (!role) {
    const pending: PendingFinding[] = [
      {
        finding: createFinding(
          'SA_ANNOTATION_INVALID',
          `"${input.roleArn}" is not a valid IAM role ARN, so no token can be exchanged for it.`,
          {
            hint: 'Use the form arn:aws:iam::<12-digit account>:role/<role name>.',
          },
        ),
      },
    ];
    if (!parsed.ok) pending.push(malformedFinding(parsed.problems));
    return {
      result: {
        allowed: false,
        findings: sortFindings(pending.map(p => p.finding)),
        matchedStatements: [],
      },
      mayRevealMore: false,
    };
  }

  const context = buildTrustContext(
    role,
    input.oidcIssuer,
    input.serviceAccount,
  );
  const request = explain
    ? {
        principal: context.principal,
        action: context.action,
        issuer: context.issuer,
        subjectKey: context.subjectKey,
        subject: context.subject,
        audienceKey: context.audienceKey,
        audience: context.audience,
      }
    : undefined;
  const pending = providerFindings(input, context);
  const providerOk = pending.length === 0;

  if (!parsed.ok) {
    pending.push(malformedFinding(parsed.problems, context));
    const canonical = buildIrsaTrustPolicy({
      accountId: context.roleAccountId,
      oidcIssuer: context.issuer,
      namespace: context.namespace,
      serviceAccount: context.name,
      audience: context.audience,
      partition: context.partition,
    }) as NormalizedPolicyDocument;
    const last = pending[pending.length - 1];
    last.fix = replaceDocument(canonical);
    const empty: NormalizedPolicyDocument = { Statement: [] };
    const { mayRevealMore, ...suggestions } = withSuggestions(
      pending,
      empty,
      suggest,
    );
    return {
      result: {
        allowed: false,
        matchedStatements: [],
        request,
        ...suggestions,
      },
      mayRevealMore,
    };
  }

  return evaluatePolicy(parsed.policy, context, pending, providerOk, {
    explain,
    suggest,
    request,
  });
}

function evaluatePolicy(
  policy: ParsedPolicy,
  context: TrustContext,
  pending: PendingFinding[],
  providerOk: boolean,
  options: {
    explain: boolean;
    suggest: SuggestionMode;
    request?: AnalyzeTrustResult['request'];
  },
): Analysis {
  if (policy.size > NEAR_LIMIT_SIZE) {
    pending.push({
      finding: createFinding(
        'TRUST_POLICY_NEAR_LIMIT',
        `The trust policy has ${policy.size} characters without whitespace, over 90% of the ${TRUST_POLICY_SIZE_QUOTA}-character default quota.`,
        {
          hint: 'Merge statements (several service accounts can share one condition list) or request a quota increase (up to 8,192 characters) before adding more.',
        },
      ),
    });
  }

  const evaluations = policy.statements.map(s => evaluateStatement(s, context));
  const relations = new Map<number, string>();
  const matchedStatements: number[] = [];
  let allowMatched = false;
  let denyMatched = false;
  for (const evaluation of evaluations) {
    const { statement } = evaluation;
    relations.set(
      statement.index,
      relatePrincipal(statement.principal, context).relation,
    );
    if (!evaluation.applies) continue;
    matchedStatements.push(statement.index);
    if (statement.effect === 'Allow') {
      allowMatched = true;
    } else {
      denyMatched = true;
      pending.push({
        finding: createFinding(
          'TRUST_EXPLICIT_DENY',
          `Statement ${statement.index} denies ${WEB_IDENTITY_ACTION} to this service account; an explicit Deny overrides every Allow.`,
          {
            statementIndex: statement.index,
            hint: 'Remove or narrow the Deny statement if this service account should assume the role.',
          },
        ),
      });
    }
  }

  const allows = evaluations.filter(e => e.statement.effect === 'Allow');
  if (!allowMatched) {
    const ours = allows.filter(
      e => relations.get(e.statement.index) === 'ours',
    );
    let federatesIssuer = ours.length > 0;
    for (const evaluation of allows) {
      const index = evaluation.statement.index;
      const relation = relatePrincipal(evaluation.statement.principal, context);
      if (relation.relation !== 'other-account') continue;
      federatesIssuer = true;
      const arn = relation.otherAccountArns[0];
      pending.push({
        finding: createFinding(
          'TRUST_PROVIDER_OTHER_ACCOUNT',
          `Statement ${index} federates this cluster's issuer through ${arn}, a provider in another account; STS only accepts the provider in the role's own account (${context.roleAccountId}).`,
          {
            statementIndex: index,
            hint: `Create the OIDC provider for ${context.issuer} in account ${context.roleAccountId} and federate ${context.principal}.`,
          },
        ),
        fix: revealing(
          replaceFederatedPrincipal(index, arn, context.principal),
        ),
      });
    }
    if (!federatesIssuer) {
      const other = allows.find(
        e => relations.get(e.statement.index) === 'other-issuer',
      );
      const federated =
        other?.statement.principal?.byType.get('federated') ?? [];
      pending.push({
        finding: createFinding(
          'TRUST_ISSUER_MISMATCH',
          other
            ? `No Allow statement federates this cluster's provider (${
                context.principal
              }); statement ${other.statement.index} federates ${quote(
                federated,
              )} instead, e.g. another cluster.`
            : `No Allow statement federates this cluster's provider (${context.principal}): the role does not trust web identities of this cluster.`,
          {
            statementIndex: other?.statement.index,
            hint: 'Add a statement for this cluster (see the suggested policy), or annotate the service account with a role made for this cluster.',
          },
        ),
        fix: appendStatement(
          buildIrsaTrustStatement({
            accountId: context.roleAccountId,
            oidcIssuer: context.issuer,
            namespace: context.namespace,
            serviceAccount: context.name,
            audience: context.audience,
            partition: context.partition,
          }),
        ),
      });
    }
    for (const evaluation of ours) {
      pending.push(...diagnoseStatement(evaluation, context));
    }
  }

  for (const evaluation of allows) {
    if (
      relations.get(evaluation.statement.index) === 'ours' &&
      evaluation.actionMatched
    ) {
      pending.push(...breadthFindings(evaluation, context));
    }
  }
  pending.push(
    ...stringEqualsWildcardFindings(evaluations, context, relations),
  );

  const { findings, suggestedTrustPolicy, mayRevealMore } = withSuggestions(
    pending,
    policy.document,
    options.suggest,
  );
  const result: AnalyzeTrustResult = {
    allowed: allowMatched && !denyMatched && providerOk,
    findings,
    matchedStatements,
    request: options.request,
    statements: options.explain
      ? evaluations.map(e => explainStatement(e, context))
      : undefined,
    suggestedTrustPolicy,
  };
  return { result, mayRevealMore };
}
