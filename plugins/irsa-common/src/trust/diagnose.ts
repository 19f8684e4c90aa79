/**
 * The diagnosis: why the decision is what it is, and what is risky even when
 * it allows. It reads the decision and never changes it. Each finding may
 * carry a mechanical fix; the suggestion applies the fixes in the order of
 * the findings here.
 */
import { createFinding } from '../findings';
import type { NormalizedPolicyDocument, ParsedPolicy } from '../policy/parse';
import { TRUST_POLICY_SIZE_QUOTA } from '../policy/size';
import { breadthFindings, stringEqualsWildcardFindings } from './breadth';
import {
  buildIrsaTrustPolicy,
  buildIrsaTrustStatement,
  IrsaTrustParams,
  WEB_IDENTITY_ACTION,
} from './canonical';
import type { StatementEvaluation, TrustDecision } from './decide';
import {
  appendStatement,
  replaceDocument,
  replaceFederatedPrincipal,
  revealing,
} from './fixes';
import { diagnoseStatement } from './mismatch';
import { PendingFinding, quote, statementFinding } from './pending';
import type { TrustContext } from './request';
import { setOperatorFindings } from './setOperators';

/** Over 90% of the default trust-policy quota. */
const NEAR_LIMIT_SIZE = Math.floor(TRUST_POLICY_SIZE_QUOTA * 0.9);

/** Findings about a parsed trust policy and the decision on the request. */
export function diagnoseTrust(
  policy: ParsedPolicy,
  decision: TrustDecision,
  context: TrustContext,
): PendingFinding[] {
  const allows = decision.evaluations.filter(
    e => e.statement.effect === 'Allow',
  );
  const findings = sizeFindings(policy);
  for (const denial of decision.denials) {
    findings.push(explicitDenyFinding(denial));
  }
  if (!decision.allowMatched)
    findings.push(...refusalFindings(allows, context));
  // How widely the Allow statements for this provider trust, whether or not
  // this service account is among those they admit.
  for (const allow of allows) {
    if (allow.principal.relation === 'ours' && allow.actionMatched) {
      findings.push(...breadthFindings(allow, context));
    }
  }
  findings.push(
    ...stringEqualsWildcardFindings(decision.evaluations, context),
    ...setOperatorFindings(decision.evaluations),
  );
  return findings;
}

/**
 * TRUST_MALFORMED. With a request, its fix replaces the document with the
 * canonical policy for the service account.
 */
export function malformedFinding(
  problems: string[],
  context?: TrustContext,
): PendingFinding {
  const finding = createFinding(
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
  );
  if (!context) return { finding };
  const canonical = buildIrsaTrustPolicy(canonicalTrustParams(context));
  return {
    finding,
    fix: replaceDocument(canonical as NormalizedPolicyDocument),
  };
}

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

function sizeFindings(policy: ParsedPolicy): PendingFinding[] {
  if (policy.size <= NEAR_LIMIT_SIZE) return [];
  const finding = createFinding(
    'TRUST_POLICY_NEAR_LIMIT',
    `The trust policy has ${policy.size} characters without whitespace, over 90% of the ${TRUST_POLICY_SIZE_QUOTA}-character default quota.`,
    {
      hint: 'Merge statements (several service accounts can share one condition list) or request a quota increase (up to 8,192 characters) before adding more.',
    },
  );
  return [{ finding }];
}

function explicitDenyFinding({
  statement,
}: StatementEvaluation): PendingFinding {
  return statementFinding(
    'TRUST_EXPLICIT_DENY',
    statement.index,
    `Statement ${statement.index} denies ${WEB_IDENTITY_ACTION} to this service account; an explicit Deny overrides every Allow.`,
    'Remove or narrow the Deny statement if this service account should assume the role.',
  );
}

/**
 * Why no Allow statement admits the request: none federates this cluster's
 * issuer through the role account's provider, or those that do refuse it.
 */
function refusalFindings(
  allows: StatementEvaluation[],
  context: TrustContext,
): PendingFinding[] {
  const ours = allows.filter(e => e.principal.relation === 'ours');
  const otherAccount = allows
    .filter(e => e.principal.relation === 'other-account')
    .map(e => otherAccountFinding(e, context));
  const federatesIssuer = ours.length > 0 || otherAccount.length > 0;
  return [
    ...otherAccount,
    ...(federatesIssuer ? [] : [issuerMismatchFinding(allows, context)]),
    ...ours.flatMap(e => diagnoseStatement(e, context)),
  ];
}

function otherAccountFinding(
  { statement, principal }: StatementEvaluation,
  context: TrustContext,
): PendingFinding {
  const index = statement.index;
  const arn = principal.otherAccountArns[0];
  return statementFinding(
    'TRUST_PROVIDER_OTHER_ACCOUNT',
    index,
    `Statement ${index} federates this cluster's issuer through ${arn}, a provider in another account; STS only accepts the provider in the role's own account (${context.roleAccountId}).`,
    `Create the OIDC provider for ${context.issuer} in account ${context.roleAccountId} and federate ${context.principal}.`,
    revealing(replaceFederatedPrincipal(index, arn, context.principal)),
  );
}

function issuerMismatchFinding(
  allows: StatementEvaluation[],
  context: TrustContext,
): PendingFinding {
  const other = allows.find(e => e.principal.relation === 'other-issuer');
  const federated = other?.statement.principal?.byType.get('federated') ?? [];
  return statementFinding(
    'TRUST_ISSUER_MISMATCH',
    other?.statement.index,
    other
      ? `No Allow statement federates this cluster's provider (${
          context.principal
        }); statement ${other.statement.index} federates ${quote(
          federated,
        )} instead, e.g. another cluster.`
      : `No Allow statement federates this cluster's provider (${context.principal}): the role does not trust web identities of this cluster.`,
    'Add a statement for this cluster (see the suggested policy), or annotate the service account with a role made for this cluster.',
    appendStatement(buildIrsaTrustStatement(canonicalTrustParams(context))),
  );
}
