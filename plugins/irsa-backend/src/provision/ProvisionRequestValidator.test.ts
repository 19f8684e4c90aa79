import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ProvisionRequest } from '../schema/openapi/generated/models';
import { ClusterConfig } from '../service/config';
import { ProvisionRequestValidator } from './ProvisionRequestValidator';
import { readProvisioningSettings } from './provisioningConfig';

const cluster: ClusterConfig = {
  name: 'demo-east',
  accountId: '111111111111',
  region: 'us-east-1',
  eksClusterName: 'demo-east',
  url: 'https://127.0.0.1:6443',
  skipTLSVerify: true,
  authProvider: 'serviceAccount',
  authMetadata: {},
  connectionFrom: 'irsa',
};

function validator(guardrails: object = {}) {
  return new ProvisionRequestValidator(
    [cluster],
    readProvisioningSettings(
      new ConfigReader({ irsa: { provisioning: { guardrails } } }),
    ),
  );
}

const base: ProvisionRequest = {
  entityRef: 'component:default/payments-api',
  cluster: 'demo-east',
  namespace: 'payments',
  serviceAccount: 'payments-reporter',
};

const s3Read = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::bucket/*',
    },
  ],
} as const;

function refusal(
  request: Partial<ProvisionRequest> & object,
  guardrails?: object,
): string {
  try {
    validator(guardrails).validate({ ...base, ...request } as ProvisionRequest);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('the request was accepted');
}

describe('ProvisionRequestValidator', () => {
  it('accepts a minimal request and fills in the defaults', () => {
    const v = validator().validate(base);
    expect(v.entityRef).toBe('component:default/payments-api');
    expect(v.roleName).toMatch(
      /^irsa-demo-east-payments-payments-reporter-[0-9a-f]{8}$/,
    );
    expect(v.roleArn).toBe(`arn:aws:iam::111111111111:role/${v.roleName}`);
    expect(v.audience).toBe('sts.amazonaws.com');
    expect(v.tags).toEqual({
      'managed-by': 'irsa-backstage',
      'backstage.io/entity-ref': 'component:default/payments-api',
      'irsa.backstage.io/cluster': 'demo-east',
      'irsa.backstage.io/service-account': 'payments/payments-reporter',
    });
    expect(v).toMatchObject({
      createNamespace: false,
      exclusive: false,
      managedPolicyArns: [],
    });
  });

  it('derives the same role name every time, at most 64 characters', () => {
    const long = { ...base, serviceAccount: 'a'.repeat(200) };
    const a = validator().validate(long).roleName;
    expect(a).toBe(validator().validate(long).roleName);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(
      validator({ roleNamePrefix: 'team-' }).validate(base).roleName,
    ).toMatch(/^team-/);
  });

  it('accepts policies as objects or JSON text, and the configured path, boundary and tags', () => {
    const v = validator({
      rolePath: '/irsa/',
      requiredPermissionsBoundaryArn:
        'arn:aws:iam::111111111111:policy/boundary',
      extraTags: { team: 'platform' },
    }).validate({
      ...base,
      roleName: 'irsa-payments',
      inlinePolicy: JSON.stringify(s3Read),
      managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      tags: { 'cost-centre': '42' },
    });
    expect(v.roleArn).toBe('arn:aws:iam::111111111111:role/irsa/irsa-payments');
    expect(v.inlinePolicy).toMatchObject({
      Statement: [{ Action: 's3:GetObject' }],
    });
    expect(v.permissionsBoundaryArn).toBe(
      'arn:aws:iam::111111111111:policy/boundary',
    );
    expect(v.tags).toMatchObject({ team: 'platform', 'cost-centre': '42' });
  });

  it.each(
    (
      [
        [
          'bad entity ref',
          { entityRef: 'payments api' },
          'entityRef: "payments api" is not an entity reference',
        ],
        [
          'entity ref without kind',
          { entityRef: 'payments-api' },
          'entityRef:',
        ],
        [
          'unknown cluster',
          { cluster: 'nowhere' },
          'cluster: no cluster "nowhere" is configured',
        ],
        [
          'namespace with capitals',
          { namespace: 'Payments' },
          'namespace: namespace "Payments"',
        ],
        ['namespace too long', { namespace: 'n'.repeat(64) }, 'namespace:'],
        [
          'service account with _',
          { serviceAccount: 'bad_name' },
          'serviceAccount:',
        ],
        [
          'role name too long',
          { roleName: `irsa-${'r'.repeat(60)}` },
          'roleName: role name must be at most 64',
        ],
        [
          'role name with /',
          { roleName: 'irsa-a/b' },
          'roleName: role name may only contain',
        ],
        [
          'role name without prefix',
          { roleName: 'payments' },
          'roleName: "payments" must start with "irsa-"',
        ],
        [
          'bad policy ARN',
          { managedPolicyArns: ['AmazonS3ReadOnlyAccess'] },
          'managedPolicyArns[0]: "AmazonS3ReadOnlyAccess" is not an IAM policy ARN',
        ],
        [
          'role ARN as policy ARN',
          { managedPolicyArns: ['arn:aws:iam::111111111111:role/x'] },
          'managedPolicyArns[0]:',
        ],
        [
          'policy of another account',
          { managedPolicyArns: ['arn:aws:iam::222222222222:policy/p'] },
          'managedPolicyArns[0]: "arn:aws:iam::222222222222:policy/p" is a policy of account 222222222222',
        ],
        [
          'policy twice',
          {
            managedPolicyArns: [
              'arn:aws:iam::aws:policy/A',
              'arn:aws:iam::aws:policy/A',
            ],
          },
          'managedPolicyArns[1]: "arn:aws:iam::aws:policy/A" is named twice',
        ],
        [
          'eleven policies',
          {
            managedPolicyArns: Array.from(
              { length: 11 },
              (_, i) => `arn:aws:iam::aws:policy/P${i}`,
            ),
          },
          'managedPolicyArns: at most 10',
        ],
        [
          'AdministratorAccess',
          {
            managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
          },
          'managedPolicyArns[0]: "arn:aws:iam::aws:policy/AdministratorAccess" grants every action',
        ],
        [
          'denied policy',
          { managedPolicyArns: ['arn:aws:iam::aws:policy/IAMFullAccess'] },
          'managedPolicyArns[0]: "arn:aws:iam::aws:policy/IAMFullAccess" is denied',
          { deniedManagedPolicyArns: ['arn:aws:iam::aws:policy/IAM*'] },
        ],
        [
          'policy not allowed',
          {
            managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonEC2FullAccess'],
          },
          'is not in irsa.provisioning.guardrails.allowedManagedPolicyArns',
          { allowedManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3*'] },
        ],
        [
          'inline policy not JSON',
          { inlinePolicy: '{"Version": ' },
          'inlinePolicy:',
        ],
        [
          'inline policy a JSON array',
          { inlinePolicy: '[1]' },
          'inlinePolicy:',
        ],
        [
          'inline policy without statements',
          { inlinePolicy: { Version: '2012-10-17' } },
          'inlinePolicy:',
        ],
        [
          'inline policy with a Principal',
          {
            inlinePolicy: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: '*',
                  Action: 's3:GetObject',
                  Resource: '*',
                },
              ],
            },
          },
          'inlinePolicy:',
        ],
        [
          'inline policy too large',
          {
            inlinePolicy: {
              Version: '2012-10-17',
              Statement: Array.from({ length: 120 }, (_, i) => ({
                Sid: `S${i}`,
                Effect: 'Allow',
                Action: 's3:GetObject',
                Resource: `arn:aws:s3:::bucket-${'x'.repeat(40)}-${i}/*`,
              })),
            },
          },
          'characters without whitespace; IAM allows 10240',
        ],
        [
          'Action *',
          {
            inlinePolicy: {
              Version: '2012-10-17',
              Statement: [
                s3Read.Statement[0],
                { Effect: 'Allow', Action: '*', Resource: '*' },
              ],
            },
          },
          'inlinePolicy.Statement[1].Action: "*" is forbidden by irsa.provisioning.guardrails.forbiddenActions',
        ],
        [
          'Action iam:*',
          {
            inlinePolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
            },
          },
          'inlinePolicy.Statement[0].Action: "iam:*" is forbidden by irsa.provisioning.guardrails.forbiddenActions',
        ],
        [
          'escalation by wildcard',
          {
            inlinePolicy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['s3:GetObject', 'iam:Put*'],
                  Resource: '*',
                },
              ],
            },
          },
          'inlinePolicy.Statement[0].Action: "iam:Put*" is forbidden by irsa.provisioning.guardrails.forbiddenActions (it grants "iam:put',
        ],
        [
          'escalation, any case',
          {
            inlinePolicy: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: 'IAM:PassRole', Resource: '*' },
              ],
            },
          },
          'inlinePolicy.Statement[0].Action: "IAM:PassRole" is forbidden',
        ],
        [
          'NotAction',
          {
            inlinePolicy: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', NotAction: 's3:*', Resource: '*' },
              ],
            },
          },
          'inlinePolicy.Statement[0].NotAction: grants "*"',
        ],
        [
          'configured forbidden action',
          { inlinePolicy: s3Read },
          '"s3:GetObject" is forbidden',
          { forbiddenActions: ['s3:GetObject'] },
        ],
        [
          'risky inline policy',
          {
            inlinePolicy: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', NotAction: 's3:*', Resource: '*' },
              ],
            },
          },
          'inlinePolicy.Statement[0]: PERM_NOT_ACTION (high)',
          { forbiddenActions: [] },
        ],
        [
          'bad boundary',
          { permissionsBoundaryArn: 'boundary' },
          'permissionsBoundaryArn: "boundary" is not an IAM policy ARN',
        ],
        [
          'other boundary than required',
          { permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/mine' },
          'permissionsBoundaryArn: must be "arn:aws:iam::111111111111:policy/boundary"',
          {
            requiredPermissionsBoundaryArn:
              'arn:aws:iam::111111111111:policy/boundary',
          },
        ],
        ['audience with space', { audience: 'sts amazonaws' }, 'audience:'],
        ['empty audience', { audience: '' }, 'audience:'],
        [
          'aws: tag',
          { tags: { 'aws:owner': 'me' } },
          'tags["aws:owner"]: tag keys starting with "aws:" are reserved',
        ],
        [
          'reserved tag',
          { tags: { 'managed-by': 'me' } },
          'tags["managed-by"]: "managed-by" is set by provisioning itself',
        ],
        [
          'tag value too long',
          { tags: { owner: 'x'.repeat(257) } },
          'tags["owner"]: tag value must be at most 256',
        ],
        [
          'tag key with bad characters',
          { tags: { 'a*b': 'x' } },
          'tags["a*b"]: tag key may only contain',
        ],
        [
          'too many tags',
          {
            tags: Object.fromEntries(
              Array.from({ length: 47 }, (_, i) => [`t${i}`, 'v']),
            ),
          },
          'tags: a role has at most 50 tags',
        ],
      ] as Array<[string, object, string, object?]>
    ).map(
      ([name, request, message, guardrails]) =>
        [name, request, message, guardrails ?? {}] as const,
    ),
  )('refuses %s', (_name, request, message, guardrails) => {
    expect(refusal(request, guardrails)).toContain(message);
  });

  it('names every field that is wrong at once', () => {
    const message = refusal({
      cluster: 'nowhere',
      namespace: 'Bad',
      roleName: '',
    });
    expect(message).toContain('cluster:');
    expect(message).toContain('namespace:');
    expect(message).toContain('roleName:');
  });

  it('lets risky policies through when configured, but never forbidden actions', () => {
    const risky = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }],
    } as ProvisionRequest['inlinePolicy'];
    expect(() =>
      validator({ allowRiskyPolicies: true, forbiddenActions: [] }).validate({
        ...base,
        inlinePolicy: risky,
      }),
    ).not.toThrow();
    expect(
      refusal(
        {
          inlinePolicy: {
            Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
          },
        },
        { allowRiskyPolicies: true },
      ),
    ).toContain('forbiddenActions');
  });

  it('ignores Deny statements for forbidden actions', () => {
    expect(() =>
      validator().validate({
        ...base,
        inlinePolicy: {
          Statement: [
            s3Read.Statement[0],
            { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
          ],
        },
      }),
    ).not.toThrow();
  });
});
