/*
 * The OpenAPI spec (src/schema/openapi.yaml) is the one contract of the REST
 * API; irsa-common's analysis produces most of what goes into its responses.
 * These tests keep the two in step: the enumerations are the same lists, and
 * what the analysis returns validates against the spec's schemas at run time
 * (the compile-time check is the typed router and the generated types).
 */
import {
  analyzePermissions,
  analyzeServiceAccount,
  analyzeTrust,
  EntityBinding,
  FINDING_CODES,
  FINDING_SEVERITIES,
  PolicyDocument,
  RoleDetails,
  SEVERITIES,
  simulatePermission,
  SimulationResult,
  sortFindings,
} from '@irsa-backstage/plugin-irsa-common';
import { spec } from './openapi/generated/router';
import { validateAgainstSpec } from './__testUtils__/validateAgainstSpec';

const ACCOUNT = '111122223333';
const ISSUER =
  'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/payments-api`;

function trustPolicy(namespace: string, extra: object[] = []): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Irsa',
        Effect: 'Allow',
        Principal: { Federated: PROVIDER_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${ISSUER}:sub`]: `system:serviceaccount:${namespace}:payments-api`,
            [`${ISSUER}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
      ...(extra as PolicyDocument['Statement'][]),
    ],
  } as PolicyDocument;
}

function verdictFor(policy: string | PolicyDocument) {
  return analyzeTrust({
    trustPolicy: policy,
    roleArn: ROLE_ARN,
    serviceAccount: { namespace: 'payments', name: 'payments-api' },
    oidcIssuer: `https://${ISSUER}`,
    oidcProviders: [{ arn: PROVIDER_ARN, clientIds: ['sts.amazonaws.com'] }],
  });
}

const adminPolicy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
    { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
  ],
};

describe('the OpenAPI contract', () => {
  const schemas = spec.components.schemas;

  it('lists exactly the finding codes of irsa-common, in the same order', () => {
    expect(schemas.FindingCode.enum).toEqual(FINDING_CODES);
  });

  it('has every severity of the finding table, most severe first', () => {
    expect(schemas.Severity.enum).toEqual(SEVERITIES);
    for (const severity of Object.values(FINDING_SEVERITIES)) {
      expect(SEVERITIES).toContain(severity);
    }
  });

  it('counts actions per access level under exactly the access levels', () => {
    expect(Object.keys(schemas.ActionsByAccessLevel.properties).sort()).toEqual(
      [...schemas.AccessLevel.enum].sort(),
    );
  });

  describe('validates what the analysis returns', () => {
    it.each([
      ['an allowed verdict with explanations', trustPolicy('payments')],
      ['a denied verdict with a suggested fix', trustPolicy('payment')],
      [
        'a verdict with a Deny, a "*" principal and an undecidable condition',
        trustPolicy('payments', [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] },
            },
          },
          {
            Effect: 'Allow',
            Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`] },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': true } },
          },
        ]),
      ],
      [
        'a verdict on a URL-encoded policy',
        encodeURIComponent(JSON.stringify(trustPolicy('payments'))),
      ],
      ['a verdict on a malformed policy', '{"Statement": "nope"'],
    ])('%s', (_, policy) => {
      const verdict = verdictFor(policy);
      expect(validateAgainstSpec('TrustVerdict', verdict)).toEqual([]);
    });

    it('a permission analysis with findings, a summary and a malformed policy', () => {
      const analysis = analyzePermissions({
        policies: [
          { name: 'admin', document: adminPolicy },
          {
            arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
            name: 'AdministratorAccess',
            document: adminPolicy,
          },
          { name: 'broken', document: '{"Version": "2012-10-17"}' },
        ],
      });
      expect(analysis.findings.length).toBeGreaterThan(0);
      expect(analysis.summary).toBeDefined();
      expect(analysis.malformedPolicies).toHaveLength(1);
      expect(validateAgainstSpec('PermissionAnalysis', analysis)).toEqual([]);
    });

    it('a whole binding, assembled the way discovery assembles it', () => {
      const role: RoleDetails = {
        arn: ROLE_ARN,
        name: 'payments-api',
        trustPolicy: encodeURIComponent(JSON.stringify(trustPolicy('payment'))),
        attachedPolicies: [
          {
            arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
            name: 'AdministratorAccess',
            defaultVersionId: 'v1',
            document: encodeURIComponent(JSON.stringify(adminPolicy)),
          },
        ],
        inlinePolicies: [
          { name: 'inline', document: JSON.stringify(adminPolicy) },
        ],
        permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
        tags: { 'backstage.io/entity-ref': 'component:default/payments-api' },
      };
      const sa = analyzeServiceAccount({
        serviceAccount: {
          metadata: {
            name: 'payments-api',
            namespace: 'payments',
            annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN },
          },
        },
        roleExists: true,
        pods: [
          {
            metadata: { name: 'plain' },
            spec: {
              serviceAccountName: 'payments-api',
              containers: [{ name: 'app' }],
            },
          },
          {
            metadata: { name: 'static' },
            spec: {
              serviceAccountName: 'payments-api',
              containers: [
                {
                  name: 'app',
                  env: [{ name: 'AWS_ACCESS_KEY_ID', value: 'AKIA...' }],
                },
              ],
            },
          },
        ],
      });
      const verdict = verdictFor(role.trustPolicy);
      const permissions = analyzePermissions({
        policies: [
          ...role.attachedPolicies.map(p => ({
            arn: p.arn,
            name: p.name,
            document: p.document!,
          })),
          ...role.inlinePolicies,
        ],
      });
      const binding: EntityBinding = {
        serviceAccount: {
          cluster: 'demo-east',
          namespace: 'payments',
          name: 'payments-api',
        },
        roleArn: ROLE_ARN,
        source: 'annotation',
        serviceAccountExists: true,
        role,
        verdict,
        permissions,
        pods: sa.pods.map(p => ({
          name: p.name,
          injectedRoleArn: p.injectedRoleArn,
        })),
        findings: sortFindings([
          ...sa.findings,
          ...verdict.findings,
          ...permissions.findings,
        ]),
        entityRef: 'component:default/payments-api',
      };
      expect(binding.findings.some(f => f.podName)).toBe(true);
      expect(binding.findings.some(f => f.policyArn)).toBe(true);
      expect(binding.findings.some(f => f.suggestedTrustPolicy)).toBe(true);
      expect(validateAgainstSpec('EntityBinding', binding)).toEqual([]);
    });
  });

  describe('validates what the permission simulator returns, with the role ARN', () => {
    const identityPolicies = [
      {
        kind: 'managed' as const,
        arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        name: 'AdministratorAccess',
        document: encodeURIComponent(JSON.stringify(adminPolicy)),
      },
      {
        kind: 'inline' as const,
        name: 'office',
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'NotFromOutside',
              Effect: 'Deny',
              Action: 'sqs:*',
              Resource: '*',
              Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
            },
          ],
        } as PolicyDocument,
      },
    ];
    const permissionsBoundary = {
      arn: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
      name: 'boundary',
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' },
        ],
      }),
    };
    it.each([
      ['allowed', 's3:GetObject'],
      ['explicit-deny', 's3:DeleteBucket'],
      ['boundary', 'ec2:RunInstances'],
      ['undecided-conditions', 'sqs:SendMessage'],
    ])('%s', (reason, action) => {
      const result: SimulationResult = {
        roleArn: ROLE_ARN,
        ...simulatePermission({
          action,
          resource: '*',
          identityPolicies,
          permissionsBoundary,
        }),
      };
      expect(result.reason).toBe(reason);
      expect(validateAgainstSpec('SimulationResult', result)).toEqual([]);
    });
  });

  it('rejects what it does not describe', () => {
    expect(
      validateAgainstSpec('Finding', {
        code: 'NOT_A_CODE',
        severity: 'high',
        message: 'x',
        extra: 1,
      }).sort(),
    ).toEqual([
      '/: must NOT have additional properties (extra)',
      '/code: must be equal to one of the allowed values',
    ]);
  });
});
