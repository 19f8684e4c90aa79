/**
 * The trust verdict: would `sts:AssumeRoleWithWebIdentity` succeed for a token
 * of this service account against this role, and if not, exactly why?
 */
import { CacheTables, cacheTables } from '../analysisCache';
import { createFinding, severityRank, sortFindings } from '../findings';
import type { NormalizedPolicyDocument, ParsedPolicy } from '../policy/parse';
import { TRUST_POLICY_SIZE_QUOTA } from '../policy/size';
import type { Finding, PolicyDocument } from '../types';
import { breadthFindings, stringEqualsWildcardFindings } from './breadth';
import {
  buildIrsaTrustPolicy,
  buildIrsaTrustStatement,
  IrsaTrustParams,
  WEB_IDENTITY_ACTION,
} from './canonical';
import { diagnoseStatement } from './diagnose';
import { evaluateStatement, relatePrincipal } from './evaluate';
import { explainStatement } from './explain';
import {
  appendStatement,
  applyFixes,
  replaceDocument,
  replaceFederatedPrincipal,
  revealing,
  TrustFix,
} from './fixes';
import { PendingFinding, quote } from './pending';
import { providerFindings } from './providerFindings';
import {
  buildTrustContext,
  readRoleArn,
  requestOf,
  TrustContext,
} from './request';
import { setOperatorFindings } from './setOperators';
import type { AnalyzeTrustInput, AnalyzeTrustResult } from './types';

/** How often the combined suggestion is re-analysed and fixed again. */
const MAX_REFINEMENTS = 3;

/** Over 90% of the default trust-policy quota. */
const NEAR_LIMIT_SIZE = Math.floor(TRUST_POLICY_SIZE_QUOTA * 0.9);

/** The canonical IRSA trust for the service account this request is about. */
function canonicalTrustParams(context: TrustContext): IrsaTrustParams {
  return {
    accountId: context.roleAccountId,
    oidcIssuer: context.issuer,
    namespace: context.namespace,
    serviceAccount: context.name,
    audience: context.audience,
    partition: context.partition,
  };
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
 * reports findings (the contract in docs/architecture.md).
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
  const cache = cacheTables(input.cache);
  const first = analyzeOnce(
    input,
    input.suggestFixes === false ? 'none' : 'all',
    cache,
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
      cache,
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
  cache: CacheTables,
): Analysis {
  const explain = input.explain !== false;
  const role = readRoleArn(input.roleArn, cache);
  const parsed = cache.parsedPolicy(input.trustPolicy, 'trust');

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
    cache,
  );
  const request = explain ? requestOf(context) : undefined;
  const pending = providerFindings(input, context);
  const providerOk = pending.length === 0;

  if (!parsed.ok) {
    pending.push(malformedFinding(parsed.problems, context));
    const canonical = buildIrsaTrustPolicy(
      canonicalTrustParams(context),
    ) as NormalizedPolicyDocument;
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
          buildIrsaTrustStatement(canonicalTrustParams(context)),
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
    ...setOperatorFindings(evaluations),
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
