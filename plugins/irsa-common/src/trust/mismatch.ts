/**
 * Why an Allow statement for this cluster's provider does not admit the
 * request: TRUST_ACTION_MISMATCH, TRUST_SUB_MISMATCH, TRUST_AUD_MISMATCH and
 * TRUST_CONDITION_KEY_FOREIGN, each with a fix where one is mechanical.
 */
import { isLikeOperator } from '../policy/conditions';
import { WEB_IDENTITY_ACTION } from './canonical';
import type { ConditionResult, StatementEvaluation } from './decide';
import {
  addAction,
  addConditionValue,
  renameConditionKey,
  replaceConditionValue,
  revealing,
  TrustFix,
} from './fixes';
import { PendingFinding, quote, statementFinding } from './pending';
import type { TrustContext } from './request';
import type { ConditionKeyKind } from './types';
import { correctAudienceTypo, correctSubjectTypo } from './typos';

/** Why an Allow statement for this provider does not admit the request. */
export function diagnoseStatement(
  evaluation: StatementEvaluation,
  context: TrustContext,
): PendingFinding[] {
  const index = evaluation.statement.index;
  if (!evaluation.actionMatched) {
    const element = evaluation.statement.actionElement;
    return [
      statementFinding(
        'TRUST_ACTION_MISMATCH',
        index,
        `Statement ${index} federates this cluster's provider but its ${element} (${quote(
          evaluation.statement.actions,
        )}) does not allow ${WEB_IDENTITY_ACTION}, the only action a pod's web-identity token can use.`,
        `Set "Action": "${WEB_IDENTITY_ACTION}" in statement ${index} (sts:AssumeRole is for IAM principals, not tokens).`,
        element === 'Action'
          ? revealing(addAction(index, WEB_IDENTITY_ACTION))
          : undefined,
      ),
    ];
  }
  const out: PendingFinding[] = [];
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

/** A condition value that is a near miss of the request's, and its correction. */
interface Typo {
  value: string;
  corrected: string;
  explanation: string;
}

/**
 * The first value of the condition that `correct` recognises as a typo.
 * Values with policy variables are templates, not text to correct.
 */
function findTypo(
  result: ConditionResult,
  correct: (value: string) => Omit<Typo, 'value'> | undefined,
): Typo | undefined {
  if (result.condition.usesVariables) return undefined;
  for (const value of result.condition.values) {
    const correction = correct(value);
    if (correction) return { value, ...correction };
  }
  return undefined;
}

/** Corrects the typo, or else adds the request's value to the condition. */
function correctOrAdd(
  index: number,
  result: ConditionResult,
  typo: Typo | undefined,
  requestValue: string,
): TrustFix {
  const { operator, key } = result.condition;
  return typo
    ? replaceConditionValue(
        index,
        operator.name,
        key,
        typo.value,
        typo.corrected,
      )
    : addConditionValue(index, operator.name, key, requestValue);
}

function audienceMismatch(
  index: number,
  result: ConditionResult,
  context: TrustContext,
): PendingFinding {
  const { operator, key, values } = result.condition;
  if (operator.negated) {
    return statementFinding(
      'TRUST_AUD_MISMATCH',
      index,
      `Statement ${index} excludes the audience "${context.audience}" with ${operator.name} on "${key}".`,
      'Use another audience for this service account (eks.amazonaws.com/audience annotation), or remove the exclusion.',
    );
  }
  const typo = findTypo(result, value =>
    correctAudienceTypo(value, context.audience),
  );
  return statementFinding(
    'TRUST_AUD_MISMATCH',
    index,
    `Statement ${index} expects the audience ${quote(values)} (${
      operator.name
    } on "${key}"), but this token carries "${context.audience}"${
      typo ? `: ${typo.explanation}` : ''
    }.`,
    typo
      ? `Correct the value to "${context.audience}" (see the suggested policy).`
      : `The audience comes from the service account's eks.amazonaws.com/audience annotation (default sts.amazonaws.com). Align the annotation and the condition; the suggested policy adds "${context.audience}".`,
    correctOrAdd(index, result, typo, context.audience),
  );
}

function subjectMismatch(
  index: number,
  result: ConditionResult,
  context: TrustContext,
): PendingFinding {
  const { operator, key, values } = result.condition;
  if (operator.negated) {
    return statementFinding(
      'TRUST_SUB_MISMATCH',
      index,
      `Statement ${index} excludes this service account ("${context.subject}") with ${operator.name} on "${key}".`,
      `The exclusion looks deliberate: annotate the service account with a role meant for it, or remove "${context.subject}" from the ${operator.name} list.`,
    );
  }
  const wildcards = isLikeOperator(operator.base);
  const typo = findTypo(result, value =>
    correctSubjectTypo(
      value,
      context.namespace,
      context.name,
      wildcards,
      context.cache.matcher,
    ),
  );
  return statementFinding(
    'TRUST_SUB_MISMATCH',
    index,
    `Statement ${index} admits only ${quote(values)} for "${key}" (${
      operator.name
    }), but this service account's token carries "${context.subject}"${
      typo ? `: ${typo.explanation}` : ''
    }.`,
    typo
      ? `Correct the value to "${typo.corrected}" (see the suggested policy).`
      : `Either annotate the service account with the role meant for it, or, if it should use this role, add "${context.subject}" to the condition (see the suggested policy).`,
    correctOrAdd(index, result, typo, context.subject),
  );
}

export function foreignKey(
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
  return statementFinding(
    'TRUST_CONDITION_KEY_FOREIGN',
    index,
    `Statement ${index}: the condition key "${key}" (${operator.name}) ${why}; it is never present in this cluster's requests, ${effect}.`,
    renamable
      ? `Use "${correctKey}" instead.`
      : `Remove the condition or replace it with one on "${context.subjectKey}" / "${context.audienceKey}".`,
    renamable
      ? revealing(renameConditionKey(index, operator.name, key, correctKey))
      : undefined,
  );
}
