/**
 * The finding-code table of docs/architecture.md and the exported codes agree
 * (codes, severities and order, both ways); every code is produced by at
 * least one fixture below, and each fixture produces exactly the codes it
 * lists (so each code is also shown absent where it does not belong).
 */
import { readFileSync } from 'fs';
import { resolve } from 'path';
import {
  ACCOUNT,
  AUD_KEY,
  AWS_GUIDE_POLICY,
  irsaStatement,
  ISSUER,
  OTHER_ACCOUNT,
  OTHER_ISSUER,
  policyOf,
  PROVIDER_ARN,
  ROLE_ARN,
  SUB_KEY,
  SUBJECT,
  trustInput,
} from './__fixtures__/trust';
import { analyzeRoleUsage } from './discovery/analyzeRoleUsage';
import { analyzeServiceAccount } from './discovery/analyzeServiceAccount';
import { analyzePermissions } from './permissions-analysis/analyzePermissions';
import { analyzeTrust } from './trust/analyzeTrust';
import {
  Finding,
  FINDING_CODES,
  FINDING_SEVERITIES,
  FindingCode,
} from './types';

const ARCHITECTURE = resolve(__dirname, '../../../docs/architecture.md');

/** The rows of the "## Finding codes" table: code, severity and when. */
function documentedCodes(): string[][] {
  const text = readFileSync(ARCHITECTURE, 'utf8');
  const section = text
    .split(/^## /m)
    .find(part => part.startsWith('Finding codes\n'));
  if (!section) throw new Error(`no "## Finding codes" in ${ARCHITECTURE}`);
  const rows = section
    .split('\n')
    .filter(line => line.startsWith('|'))
    .map(line =>
      line
        .split('|')
        .slice(1, -1)
        .map(cell => cell.trim()),
    );
  expect(rows[0]).toEqual(['code', 'severity', 'when']);
  // Codes are written as `CODE`; the header and the --- row are skipped.
  return rows
    .filter(([code]) => /^`[A-Z_]+`$/.test(code))
    .map(([code, ...rest]) => [code.slice(1, -1), ...rest]);
}

const fullTrust = {
  StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
};
const trust = (...args: Parameters<typeof trustInput>) =>
  analyzeTrust(trustInput(...args));
const annotated = (extra: Record<string, string> = {}) => ({
  metadata: {
    name: 'my-service-account',
    annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN, ...extra },
  },
});
const podWith = (env: Array<{ name: string; value: string }>) => ({
  metadata: { name: 'pod' },
  spec: {
    serviceAccountName: 'my-service-account',
    containers: [{ name: 'app', env }],
  },
});
const injected = [
  { name: 'AWS_ROLE_ARN', value: ROLE_ARN },
  {
    name: 'AWS_WEB_IDENTITY_TOKEN_FILE',
    value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
  },
];
const permissions = (statement: object, arn?: string) =>
  analyzePermissions({
    policies: [
      {
        name: 'p',
        arn,
        document: { Version: '2012-10-17', Statement: [statement as any] },
      },
    ],
  });

const FIXTURES: Array<{
  name: string;
  run: () => { findings: Finding[] };
  expected: FindingCode[];
}> = [
  {
    name: 'AWS guide policy',
    run: () => trust(AWS_GUIDE_POLICY),
    expected: [],
  },
  {
    name: 'no provider in the account',
    run: () => trust(AWS_GUIDE_POLICY, { oidcProviders: [] }),
    expected: ['OIDC_PROVIDER_MISSING'],
  },
  {
    name: 'provider without the audience',
    run: () =>
      trust(AWS_GUIDE_POLICY, {
        oidcProviders: [{ arn: PROVIDER_ARN, clientIds: ['other'] }],
      }),
    expected: ['OIDC_PROVIDER_AUDIENCE_MISSING'],
  },
  {
    name: 'role of another cluster',
    run: () =>
      trust(
        JSON.parse(
          JSON.stringify(AWS_GUIDE_POLICY).split(ISSUER).join(OTHER_ISSUER),
        ),
      ),
    expected: ['TRUST_ISSUER_MISMATCH'],
  },
  {
    name: 'provider of the cluster account',
    run: () =>
      trust(
        policyOf(
          irsaStatement(fullTrust, {
            Principal: {
              Federated: `arn:aws:iam::${OTHER_ACCOUNT}:oidc-provider/${ISSUER}`,
            },
          }),
        ),
      ),
    expected: ['TRUST_PROVIDER_OTHER_ACCOUNT'],
  },
  {
    name: 'sts:AssumeRole',
    run: () =>
      trust(policyOf(irsaStatement(fullTrust, { Action: 'sts:AssumeRole' }))),
    expected: ['TRUST_ACTION_MISMATCH'],
  },
  {
    name: 'other service account',
    run: () =>
      trust(AWS_GUIDE_POLICY, {
        serviceAccount: { namespace: 'default', name: 'x' },
      }),
    expected: ['TRUST_SUB_MISMATCH'],
  },
  {
    name: 'other audience',
    run: () =>
      trust(AWS_GUIDE_POLICY, {
        serviceAccount: {
          namespace: 'default',
          name: 'my-service-account',
          audience: 'vault',
        },
      }),
    expected: ['TRUST_AUD_MISMATCH'],
  },
  {
    name: 'provider-ARN-prefixed key',
    run: () =>
      trust(
        policyOf(
          irsaStatement({
            StringEquals: {
              [`${PROVIDER_ARN}:sub`]: SUBJECT,
              [AUD_KEY]: 'sts.amazonaws.com',
            },
          }),
        ),
      ),
    expected: ['TRUST_CONDITION_KEY_FOREIGN'],
  },
  {
    name: 'StringEquals with a namespace pattern',
    run: () =>
      trust(
        policyOf(
          irsaStatement({
            StringEquals: {
              [SUB_KEY]: 'system:serviceaccount:default:*',
              [AUD_KEY]: 'sts.amazonaws.com',
            },
          }),
        ),
      ),
    expected: ['TRUST_STRINGEQUALS_WILDCARD', 'TRUST_SUB_MISMATCH'],
  },
  {
    name: 'explicit Deny',
    run: () =>
      trust(
        policyOf(
          irsaStatement(fullTrust),
          irsaStatement(fullTrust, { Effect: 'Deny' }),
        ),
      ),
    expected: ['TRUST_EXPLICIT_DENY'],
  },
  {
    name: 'no :sub condition',
    run: () =>
      trust(
        policyOf(
          irsaStatement({ StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' } }),
        ),
      ),
    expected: ['TRUST_SUB_UNRESTRICTED'],
  },
  {
    name: 'cluster-wide StringLike',
    run: () =>
      trust(
        policyOf(
          irsaStatement({
            StringLike: { [SUB_KEY]: 'system:serviceaccount:*' },
            StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
          }),
        ),
      ),
    expected: ['TRUST_SUB_WILDCARD_CLUSTER'],
  },
  {
    name: 'namespace-wide StringLike',
    run: () =>
      trust(
        policyOf(
          irsaStatement({
            StringLike: { [SUB_KEY]: 'system:serviceaccount:default:*' },
            StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
          }),
        ),
      ),
    expected: ['TRUST_SUB_WILDCARD_NAMESPACE'],
  },
  {
    name: 'no :aud condition',
    run: () =>
      trust(policyOf(irsaStatement({ StringEquals: { [SUB_KEY]: SUBJECT } }))),
    expected: ['TRUST_AUD_UNRESTRICTED'],
  },
  {
    name: 'ForAllValues on :sub',
    run: () =>
      trust(
        policyOf(
          irsaStatement({
            'ForAllValues:StringEquals': { [SUB_KEY]: SUBJECT },
            StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
          }),
        ),
      ),
    expected: ['TRUST_SET_OPERATOR_MISUSE'],
  },
  {
    name: "only an exclusion on another issuer's :sub",
    run: () =>
      trust(
        policyOf(
          irsaStatement({
            StringNotEquals: {
              [`${OTHER_ISSUER}:sub`]: 'system:serviceaccount:kube-system:x',
            },
            StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
          }),
        ),
      ),
    expected: ['TRUST_CONDITION_KEY_FOREIGN', 'TRUST_SUB_UNRESTRICTED'],
  },
  {
    name: 'large trust policy',
    run: () =>
      trust(
        policyOf(
          irsaStatement({
            StringEquals: {
              [SUB_KEY]: [
                SUBJECT,
                ...Array.from(
                  { length: 30 },
                  (_, i) =>
                    `system:serviceaccount:team-${i}:service-account-${i}`,
                ),
              ],
              [AUD_KEY]: 'sts.amazonaws.com',
            },
          }),
        ),
      ),
    expected: ['TRUST_POLICY_NEAR_LIMIT'],
  },
  {
    name: 'malformed trust policy',
    run: () => trust('{"Statement": 42}'),
    expected: ['TRUST_MALFORMED'],
  },
  {
    name: 'invalid role annotation',
    run: () =>
      analyzeServiceAccount({
        serviceAccount: annotated({ 'eks.amazonaws.com/role-arn': 'my-role' }),
      }),
    expected: ['SA_ANNOTATION_INVALID'],
  },
  {
    name: 'missing role',
    run: () =>
      analyzeServiceAccount({ serviceAccount: annotated(), roleExists: false }),
    expected: ['SA_ROLE_NOT_FOUND'],
  },
  {
    name: 'misspelt role annotation key',
    run: () =>
      analyzeServiceAccount({
        serviceAccount: {
          metadata: {
            name: 'my-service-account',
            annotations: { 'eks.amazon.com/role-arn': ROLE_ARN },
          },
        },
        pods: [podWith([])],
      }),
    expected: ['SA_ANNOTATION_KEY_TYPO'],
  },
  {
    name: "the webhook's other annotations without a role",
    run: () =>
      analyzeServiceAccount({
        serviceAccount: {
          metadata: {
            name: 'my-service-account',
            annotations: {
              'eks.amazonaws.com/audience': 'sts.amazonaws.com',
              'eks.amazonaws.com/token-expiration': '3600',
              'eks.amazonaws.com/sts-regional-endpoints': 'true',
            },
          },
        },
      }),
    expected: [],
  },
  {
    name: 'healthy service account',
    run: () =>
      analyzeServiceAccount({
        serviceAccount: annotated(),
        roleExists: true,
        pods: [podWith(injected)],
      }),
    expected: [],
  },
  {
    name: 'role trusting a missing service account',
    run: () =>
      analyzeRoleUsage({
        roleArn: ROLE_ARN,
        trustPolicy: AWS_GUIDE_POLICY,
        clusters: [{ name: 'c', oidcIssuer: ISSUER, serviceAccounts: [] }],
      }),
    expected: ['ROLE_NO_SERVICE_ACCOUNT'],
  },
  {
    name: 'role trusting an existing service account',
    run: () =>
      analyzeRoleUsage({
        roleArn: ROLE_ARN,
        trustPolicy: AWS_GUIDE_POLICY,
        clusters: [
          {
            name: 'c',
            oidcIssuer: ISSUER,
            serviceAccounts: [
              { namespace: 'default', name: 'my-service-account' },
            ],
          },
        ],
      }),
    expected: [],
  },
  {
    name: 'pod not injected',
    run: () =>
      analyzeServiceAccount({
        serviceAccount: annotated(),
        pods: [podWith([])],
      }),
    expected: ['POD_NOT_INJECTED'],
  },
  {
    name: 'pod with static keys',
    run: () =>
      analyzeServiceAccount({
        serviceAccount: annotated(),
        pods: [
          podWith([...injected, { name: 'AWS_SECRET_ACCESS_KEY', value: 'x' }]),
        ],
      }),
    expected: ['POD_STATIC_CREDENTIALS'],
  },
  {
    name: 'short token lifetime',
    run: () =>
      analyzeServiceAccount({
        serviceAccount: annotated({
          'eks.amazonaws.com/token-expiration': '60',
        }),
      }),
    expected: ['SA_TOKEN_EXPIRATION_CLAMPED'],
  },
  {
    name: 'pod with an old role',
    run: () =>
      analyzeServiceAccount({
        serviceAccount: annotated(),
        pods: [
          podWith([
            { name: 'AWS_ROLE_ARN', value: `arn:aws:iam::${ACCOUNT}:role/old` },
            injected[1],
          ]),
        ],
      }),
    expected: ['POD_ROLE_STALE'],
  },
  {
    name: '* on *',
    run: () => permissions({ Effect: 'Allow', Action: '*', Resource: '*' }),
    expected: ['PERM_ADMIN'],
  },
  {
    name: 'iam:CreatePolicyVersion on one policy',
    run: () =>
      permissions({
        Effect: 'Allow',
        Action: 'iam:CreatePolicyVersion',
        Resource: `arn:aws:iam::${ACCOUNT}:policy/app`,
      }),
    expected: ['PERM_PRIVILEGE_ESCALATION'],
  },
  {
    name: 'dynamodb:* on one table',
    run: () =>
      permissions({
        Effect: 'Allow',
        Action: 'dynamodb:*',
        Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t`,
      }),
    expected: ['PERM_SERVICE_WILDCARD'],
  },
  {
    name: 'sqs:SendMessage on *',
    run: () =>
      permissions({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: '*',
      }),
    expected: ['PERM_WRITE_ON_ANY_RESOURCE'],
  },
  {
    name: 'NotAction on one bucket',
    run: () =>
      permissions({
        Effect: 'Allow',
        NotAction: 's3:DeleteBucket',
        Resource: 'arn:aws:s3:::bucket',
      }),
    expected: ['PERM_NOT_ACTION'],
  },
  {
    name: 'read-only policy',
    run: () =>
      permissions({
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: '*',
      }),
    expected: [],
  },
];

describe('finding-code coverage', () => {
  it('exports exactly the codes of docs/architecture.md, with their severities, in its order', () => {
    const table = documentedCodes();
    const documented = table.map(([code]) => code);
    expect(
      documented.filter(c => !(FINDING_CODES as string[]).includes(c)),
    ).toEqual([]);
    expect(FINDING_CODES.filter(c => !documented.includes(c))).toEqual([]);
    expect(documented).toEqual(FINDING_CODES);
    expect(table.map(([code, severity]) => [code, severity])).toEqual(
      Object.entries(FINDING_SEVERITIES),
    );
    for (const [code, , when] of table) {
      expect([code, when.length > 20]).toEqual([code, true]);
    }
  });

  it.each(FIXTURES.map(f => [f.name, f] as const))(
    '%s produces exactly its codes',
    (_, fixture) => {
      const produced = fixture.run().findings.map(f => f.code);
      expect([...new Set(produced)].sort()).toEqual(
        [...fixture.expected].sort(),
      );
      for (const finding of fixture.run().findings) {
        expect(finding.severity).toBe(FINDING_SEVERITIES[finding.code]);
        expect(finding.message.length).toBeGreaterThan(20);
        expect(finding.hint?.length ?? 0).toBeGreaterThan(10);
      }
    },
  );

  it('every code is produced by at least one fixture', () => {
    const produced = new Set(
      FIXTURES.flatMap(f => f.run().findings.map(finding => finding.code)),
    );
    expect(FINDING_CODES.filter(code => !produced.has(code))).toEqual([]);
  });
});
