/**
 * Shared test fixtures: the AWS guide's example cluster and role, and small
 * builders for trust policies. Only imported by tests.
 */
import type { AnalyzeTrustInput, AnalyzeTrustResult } from '../trust/types';
import type { PolicyDocument, PolicyStatement } from '../types';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const ISSUER =
  'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const ISSUER_URL = `https://${ISSUER}`;
export const OTHER_ISSUER =
  'oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/my-role`;
export const SUB_KEY = `${ISSUER}:sub`;
export const AUD_KEY = `${ISSUER}:aud`;
export const SUBJECT = 'system:serviceaccount:default:my-service-account';

/** An Allow statement for the example provider with the given conditions. */
export function irsaStatement(
  condition: PolicyStatement['Condition'],
  overrides: Partial<PolicyStatement> = {},
): PolicyStatement {
  return {
    Effect: 'Allow',
    Principal: { Federated: PROVIDER_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition ? { Condition: condition } : {}),
    ...overrides,
  };
}

export function policyOf(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** The AWS EKS user guide's trust policy: StringEquals on sub and aud. */
export const AWS_GUIDE_POLICY = policyOf(
  irsaStatement({
    StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
  }),
);

/** Input for the example service account `default/my-service-account`. */
export function trustInput(
  trustPolicy: AnalyzeTrustInput['trustPolicy'],
  overrides: Partial<AnalyzeTrustInput> = {},
): AnalyzeTrustInput {
  return {
    trustPolicy,
    roleArn: ROLE_ARN,
    serviceAccount: { namespace: 'default', name: 'my-service-account' },
    oidcIssuer: ISSUER_URL,
    ...overrides,
  };
}

export function codesOf(result: {
  findings: Array<{ code: string }>;
}): string[] {
  return result.findings.map(f => f.code);
}

export function findingOf(result: AnalyzeTrustResult, code: string) {
  const finding = result.findings.find(f => f.code === code);
  if (!finding) {
    throw new Error(`no ${code} in ${JSON.stringify(codesOf(result))}`);
  }
  return finding;
}
