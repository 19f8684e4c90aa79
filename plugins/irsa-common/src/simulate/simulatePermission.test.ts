/**
 * The simulator against AWS's documented examples: each policy below is the
 * one on the cited page (account ids and names as there), each expectation
 * what the page says happens.
 */
import type { PolicyStatement } from '../types';
import {
  simulatePermission,
  validateSimulationInput,
} from './simulatePermission';
import {
  SimulatePermissionInput,
  SimulatePermissionResult,
  SimulationBoundaryInput,
  SimulationContext,
  SimulationInputError,
  SimulationPolicyInput,
} from './types';

const ACCOUNT = '111122223333';
const BUCKET_OBJECT = 'arn:aws:s3:::amzn-s3-demo-bucket/reports/2024.csv';
const USER_BOB = `arn:aws:iam::${ACCOUNT}:user/Bob`;

function inline(
  name: string,
  statements: PolicyStatement[],
  version = '2012-10-17',
): SimulationPolicyInput {
  return {
    kind: 'inline',
    name,
    document: { Version: version, Statement: statements },
  };
}

function managed(
  arn: string,
  statements: PolicyStatement[],
): SimulationPolicyInput {
  return {
    kind: 'managed',
    arn,
    document: { Version: '2012-10-17', Statement: statements },
  };
}

const ADMINISTRATOR_ACCESS = managed(
  'arn:aws:iam::aws:policy/AdministratorAccess',
  [{ Effect: 'Allow', Action: '*', Resource: '*' }],
);

/** `name#index` of each deciding statement, the name being the ARN if any. */
function decidingStatements(result: SimulatePermissionResult): string[] {
  return result.deciding.map(
    d =>
      `${d.policy.arn ?? d.policy.name ?? d.policy.kind}#${d.statementIndex}`,
  );
}

function simulate(
  action: string,
  resource: string,
  identityPolicies: SimulationPolicyInput[],
  extra: Partial<SimulatePermissionInput> = {},
) {
  return simulatePermission({ action, resource, identityPolicies, ...extra });
}

function outcome(result: SimulatePermissionResult) {
  return {
    decision: result.decision,
    reason: result.reason,
    deciding: decidingStatements(result),
  };
}

describe('simulatePermission: Action, Resource and the default deny', () => {
  const readBucket = inline('read-bucket', [
    {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/*',
    },
  ]);

  it('allows s3:GetObject on an object of a bucket granted as bucket/*', () => {
    const result = simulate('s3:GetObject', BUCKET_OBJECT, [readBucket]);
    expect(outcome(result)).toEqual({
      decision: 'allowed',
      reason: 'allowed',
      deciding: ['read-bucket#0'],
    });
    expect(result.deciding[0]).toEqual({
      policy: { kind: 'inline', name: 'read-bucket' },
      statementIndex: 0,
      effect: 'Allow',
    });
    expect(result.explanation).toBe(
      `Allowed: inline policy "read-bucket" statement 0 allows s3:GetObject on ${BUCKET_OBJECT}, and no Deny statement applies.`,
    );
  });

  it('bucket/* does not name the bucket itself: s3:ListBucket is implicitly denied', () => {
    const result = simulate(
      's3:ListBucket',
      'arn:aws:s3:::amzn-s3-demo-bucket',
      [
        inline('list', [
          {
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/*',
          },
        ]),
      ],
    );
    expect(outcome(result)).toEqual({
      decision: 'denied',
      reason: 'implicit-deny',
      deciding: [],
    });
  });

  it('implicitly denies iam:CreateUser that no statement allows', () => {
    const result = simulate('iam:CreateUser', USER_BOB, [readBucket]);
    expect(outcome(result)).toEqual({
      decision: 'denied',
      reason: 'implicit-deny',
      deciding: [],
    });
    expect(result.explanation).toBe(
      `Denied implicitly: no statement of the role's identity policies allows iam:CreateUser on ${USER_BOB}.`,
    );
  });

  it('implicitly denies everything to a role without policies', () => {
    expect(outcome(simulate('s3:GetObject', BUCKET_OBJECT, []))).toEqual({
      decision: 'denied',
      reason: 'implicit-deny',
      deciding: [],
    });
  });

  it.each([
    ['S3:getobject', 's3:GetObject'],
    ['s3:getObject', 'S3:GETOBJECT'],
    ['s3:Get*', 'S3:getobject'],
  ])(
    'matches action names case-insensitively (policy %s, request %s)',
    (pattern, action) => {
      const policy = inline('p', [
        { Effect: 'Allow', Action: pattern, Resource: '*' },
      ]);
      expect(simulate(action, BUCKET_OBJECT, [policy]).decision).toBe(
        'allowed',
      );
    },
  );

  it('matches resources case-sensitively', () => {
    const policy = inline('p', [
      { Effect: 'Allow', Action: 'iam:GetUser', Resource: USER_BOB },
    ]);
    expect(simulate('iam:GetUser', USER_BOB, [policy]).decision).toBe(
      'allowed',
    );
    expect(
      simulate('iam:GetUser', USER_BOB.replace('Bob', 'bob'), [policy])
        .decision,
    ).toBe('denied');
  });

  it.each([
    ['s3:Get?bject', 's3:GetObject', 'allowed'],
    ['s3:Get?bject', 's3:GetObjectAcl', 'denied'],
    ['s3:?etObject', 's3:etObject', 'denied'],
  ])('`?` in an action stands for one character (%s, %s)', (p, a, decision) => {
    const policy = inline('p', [{ Effect: 'Allow', Action: p, Resource: '*' }]);
    expect(simulate(a, BUCKET_OBJECT, [policy]).decision).toBe(decision);
  });

  it('`?` in a resource stands for one character (example?bucket/*)', () => {
    const policy = inline('p', [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::example?bucket/*',
      },
    ]);
    const decisionOn = (resource: string) =>
      simulate('s3:GetObject', resource, [policy]).decision;
    expect(decisionOn('arn:aws:s3:::example1bucket/key')).toBe('allowed');
    expect(decisionOn('arn:aws:s3:::examplebucket/key')).toBe('denied');
    expect(decisionOn('arn:aws:s3:::example12bucket/key')).toBe('denied');
  });

  it('a request on no particular resource ("*") is covered only by Resource "*"', () => {
    const bucketsOnly = inline('p', [
      {
        Effect: 'Allow',
        Action: 's3:ListAllMyBuckets',
        Resource: 'arn:aws:s3:::*',
      },
    ]);
    const everything = inline('q', [
      { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
    ]);
    expect(simulate('s3:ListAllMyBuckets', '*', [bucketsOnly]).decision).toBe(
      'denied',
    );
    expect(simulate('s3:ListAllMyBuckets', '*', [everything]).decision).toBe(
      'allowed',
    );
  });

  it('reads URL-encoded JSON text as IAM returns it', () => {
    const document = encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        ],
      }),
    );
    const policy: SimulationPolicyInput = {
      kind: 'managed',
      arn: `arn:aws:iam::${ACCOUNT}:policy/encoded`,
      document,
    };
    expect(outcome(simulate('s3:GetObject', BUCKET_OBJECT, [policy]))).toEqual({
      decision: 'allowed',
      reason: 'allowed',
      deciding: [`arn:aws:iam::${ACCOUNT}:policy/encoded#1`],
    });
    expect(
      outcome(simulate('s3:DeleteObject', BUCKET_OBJECT, [policy])),
    ).toEqual({
      decision: 'denied',
      reason: 'explicit-deny',
      deciding: [`arn:aws:iam::${ACCOUNT}:policy/encoded#0`],
    });
  });
});

describe('simulatePermission: NotAction and NotResource (AWS examples)', () => {
  // reference_policies_elements_notaction.html: "allow access to all
  // actions except IAM" — every service but IAM.
  const allExceptIam = inline('AllExceptIAM', [
    { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
  ]);

  it('Allow with NotAction iam:* allows any other service', () => {
    expect(
      outcome(simulate('s3:GetObject', BUCKET_OBJECT, [allExceptIam])),
    ).toEqual({
      decision: 'allowed',
      reason: 'allowed',
      deciding: ['AllExceptIAM#0'],
    });
  });

  it.each(['iam:CreateUser', 'IAM:createuser'])(
    'Allow with NotAction iam:* does not allow %s',
    action => {
      expect(outcome(simulate(action, USER_BOB, [allExceptIam]))).toEqual({
        decision: 'denied',
        reason: 'implicit-deny',
        deciding: [],
      });
    },
  );

  // reference_policies_elements_notresource.html: HRPayroll may not touch
  // any S3 resource except the Payroll folder of HRBucket; the Deny grants
  // nothing, so an Allow (AmazonS3FullAccess) sits beside it.
  const payrollOnly = inline('HRPayroll', [
    {
      Effect: 'Deny',
      Action: 's3:*',
      NotResource: [
        'arn:aws:s3:::HRBucket/Payroll',
        'arn:aws:s3:::HRBucket/Payroll/*',
      ],
    },
  ]);
  const s3FullAccess = managed('arn:aws:iam::aws:policy/AmazonS3FullAccess', [
    { Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' },
  ]);

  it('Deny with NotResource leaves the listed resources alone', () => {
    const result = simulate(
      's3:GetObject',
      'arn:aws:s3:::HRBucket/Payroll/march.pdf',
      [payrollOnly, s3FullAccess],
    );
    expect(outcome(result)).toEqual({
      decision: 'allowed',
      reason: 'allowed',
      deciding: ['arn:aws:iam::aws:policy/AmazonS3FullAccess#0'],
    });
  });

  it('Deny with NotResource denies every other S3 resource', () => {
    const result = simulate(
      's3:GetObject',
      'arn:aws:s3:::HRBucket/Marketing/plan.pdf',
      [payrollOnly, s3FullAccess],
    );
    expect(outcome(result)).toEqual({
      decision: 'denied',
      reason: 'explicit-deny',
      deciding: ['HRPayroll#0'],
    });
    expect(result.explanation).toBe(
      'Denied explicitly: inline policy "HRPayroll" statement 0 denies s3:GetObject on arn:aws:s3:::HRBucket/Marketing/plan.pdf; an explicit Deny overrides every Allow.',
    );
  });

  it('Deny with NotResource only touches the actions it names', () => {
    const result = simulate('ec2:DescribeInstances', '*', [
      payrollOnly,
      ADMINISTRATOR_ACCESS,
    ]);
    expect(result.decision).toBe('allowed');
  });

  // reference_policies_examples_s3_deny-except-bucket.html: all S3 actions
  // on one bucket, every other service denied.
  const bucketOnly = inline('bucket-only', [
    {
      Effect: 'Allow',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::bucket-name', 'arn:aws:s3:::bucket-name/*'],
    },
    {
      Effect: 'Deny',
      NotAction: 's3:*',
      NotResource: ['arn:aws:s3:::bucket-name', 'arn:aws:s3:::bucket-name/*'],
    },
  ]);

  it('NotAction and NotResource together deny other services, even beside AdministratorAccess', () => {
    expect(
      outcome(
        simulate('ec2:RunInstances', '*', [bucketOnly, ADMINISTRATOR_ACCESS]),
      ),
    ).toEqual({
      decision: 'denied',
      reason: 'explicit-deny',
      deciding: ['bucket-only#1'],
    });
    expect(
      outcome(
        simulate('s3:PutObject', 'arn:aws:s3:::bucket-name/a', [bucketOnly]),
      ),
    ).toEqual({
      decision: 'allowed',
      reason: 'allowed',
      deciding: ['bucket-only#0'],
    });
    // s3:ListAllMyBuckets is not on the bucket: not allowed by it.
    expect(simulate('s3:ListAllMyBuckets', '*', [bucketOnly]).reason).toBe(
      'implicit-deny',
    );
  });
});

describe('simulatePermission: permissions boundaries (access_policies_boundaries.html)', () => {
  // The page's example: the boundary lets Shirley manage only S3,
  // CloudWatch and EC2, so an identity policy allowing iam:CreateUser
  // gives her nothing.
  const shirleyBoundary: SimulationBoundaryInput = {
    arn: `arn:aws:iam::${ACCOUNT}:policy/ShirleyBoundary`,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:*', 'cloudwatch:*', 'ec2:*'],
          Resource: '*',
        },
      ],
    },
  };
  const createUser = inline('CreateUser', [
    { Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' },
  ]);

  it('an identity Allow outside the boundary is implicitly denied by the boundary', () => {
    const result = simulate('iam:CreateUser', USER_BOB, [createUser], {
      permissionsBoundary: shirleyBoundary,
    });
    expect(outcome(result)).toEqual({
      decision: 'denied',
      reason: 'boundary',
      deciding: ['CreateUser#0'],
    });
    expect(result.explanation).toBe(
      `Denied implicitly by the permissions boundary: inline policy "CreateUser" statement 0 allows iam:CreateUser on ${USER_BOB}, but no statement of the permissions boundary does.`,
    );
  });

  it('the boundary limits AdministratorAccess to what it allows', () => {
    const boundary = { permissionsBoundary: shirleyBoundary };
    expect(
      outcome(
        simulate('iam:CreateUser', USER_BOB, [ADMINISTRATOR_ACCESS], boundary),
      ),
    ).toEqual({
      decision: 'denied',
      reason: 'boundary',
      deciding: ['arn:aws:iam::aws:policy/AdministratorAccess#0'],
    });
    const allowed = simulate(
      's3:GetObject',
      BUCKET_OBJECT,
      [ADMINISTRATOR_ACCESS],
      boundary,
    );
    expect(outcome(allowed)).toEqual({
      decision: 'allowed',
      reason: 'allowed',
      deciding: [
        'arn:aws:iam::aws:policy/AdministratorAccess#0',
        `${shirleyBoundary.arn}#0`,
      ],
    });
    expect(allowed.deciding[1].policy.kind).toBe('boundary');
    expect(allowed.explanation).toContain(
      `within the permissions boundary (permissions boundary "${shirleyBoundary.arn}" statement 0)`,
    );
  });

  it('a boundary grants nothing by itself', () => {
    expect(
      outcome(
        simulate('s3:GetObject', BUCKET_OBJECT, [createUser], {
          permissionsBoundary: shirleyBoundary,
        }),
      ),
    ).toEqual({ decision: 'denied', reason: 'implicit-deny', deciding: [] });
  });

  it('a Deny in the boundary is an explicit deny', () => {
    const result = simulate(
      's3:DeleteBucket',
      'arn:aws:s3:::b',
      [ADMINISTRATOR_ACCESS],
      {
        permissionsBoundary: {
          name: 'NoDeletes',
          document: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: '*', Resource: '*' },
              {
                Sid: 'NoDelete',
                Effect: 'Deny',
                Action: 's3:Delete*',
                Resource: '*',
              },
            ],
          },
        },
      },
    );
    expect(outcome(result)).toEqual({
      decision: 'denied',
      reason: 'explicit-deny',
      deciding: ['NoDeletes#1'],
    });
    expect(result.deciding[0]).toMatchObject({
      policy: { kind: 'boundary', name: 'NoDeletes' },
      sid: 'NoDelete',
      effect: 'Deny',
    });
  });
});

describe('simulatePermission: conditions and the request context', () => {
  // reference_policies_examples_aws_deny-ip.html: deny every request from
  // outside two address ranges, unless an AWS service makes it.
  const denyOutsideRanges = inline('DenyOutsideRanges', [
    {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] },
        Bool: { 'aws:ViaAWSService': 'false' },
      },
    },
  ]);
  const policies = [denyOutsideRanges, ADMINISTRATOR_ACCESS];
  const withContext = (context: SimulationContext) =>
    simulate('s3:GetObject', BUCKET_OBJECT, policies, { context });

  it('the Deny applies to a request from outside the ranges', () => {
    expect(
      outcome(
        withContext({
          'aws:SourceIp': '198.51.100.7',
          'aws:ViaAWSService': 'false',
        }),
      ),
    ).toEqual({
      decision: 'denied',
      reason: 'explicit-deny',
      deciding: ['DenyOutsideRanges#0'],
    });
  });

  it('the Deny does not apply inside a range: allowed', () => {
    expect(
      withContext({
        'aws:SourceIp': '192.0.2.44',
        'aws:ViaAWSService': 'false',
      }).decision,
    ).toBe('allowed');
  });

  it('context keys are case-insensitive', () => {
    expect(
      withContext({
        'AWS:SOURCEIP': '198.51.100.7',
        'aws:viaawsservice': 'false',
      }).decision,
    ).toBe('denied');
  });

  it('without aws:SourceIp the Deny is undecided, and with it the decision', () => {
    const result = withContext({ 'aws:ViaAWSService': 'false' });
    expect(outcome(result)).toEqual({
      decision: 'unknown',
      reason: 'undecided-conditions',
      deciding: ['DenyOutsideRanges#0'],
    });
    expect(result.missingContextKeys).toEqual(['aws:SourceIp']);
    expect(result.deciding[0].missingContextKeys).toEqual(['aws:SourceIp']);
    expect(result.explanation).toBe(
      'Undecided: whether inline policy "DenyOutsideRanges" statement 0 denies it depends on context keys the request context does not give (aws:SourceIp). Give them in the context; an empty list says the request lacks a key.',
    );
  });

  it('one condition that certainly fails decides the statement, whatever the unknown ones', () => {
    // Made by an AWS service: the Deny cannot apply, the source IP is moot.
    const result = withContext({ 'aws:ViaAWSService': 'true' });
    expect(result.decision).toBe('allowed');
    expect(result.missingContextKeys).toBeUndefined();
  });

  it('lists every key an undecided statement needs, once', () => {
    const result = withContext({});
    expect(result.decision).toBe('unknown');
    expect(result.missingContextKeys).toEqual([
      'aws:SourceIp',
      'aws:ViaAWSService',
    ]);
  });

  // An Allow on a condition: aws:RequestedRegion with StringEquals.
  const euOnly = inline('EuOnly', [
    {
      Effect: 'Allow',
      Action: 'ec2:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
    },
  ]);
  const runInstances = (context?: SimulationContext) =>
    simulate(
      'ec2:RunInstances',
      `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0abc`,
      [euOnly],
      { context },
    );

  it('StringEquals with the key present decides both ways', () => {
    expect(
      outcome(runInstances({ 'aws:RequestedRegion': 'eu-west-1' })),
    ).toEqual({
      decision: 'allowed',
      reason: 'allowed',
      deciding: ['EuOnly#0'],
    });
    expect(
      outcome(runInstances({ 'aws:RequestedRegion': 'us-east-1' })),
    ).toEqual({ decision: 'denied', reason: 'implicit-deny', deciding: [] });
  });

  it('StringEquals with the key left out is unknown, never guessed', () => {
    const result = runInstances();
    expect(outcome(result)).toEqual({
      decision: 'unknown',
      reason: 'undecided-conditions',
      deciding: ['EuOnly#0'],
    });
    expect(result.missingContextKeys).toEqual(['aws:RequestedRegion']);
  });

  it('an empty list says the request lacks the key: StringEquals is then false', () => {
    expect(outcome(runInstances({ 'aws:RequestedRegion': [] }))).toEqual({
      decision: 'denied',
      reason: 'implicit-deny',
      deciding: [],
    });
  });

  // reference_policies_examples_aws_my-sec-creds-self-manage.html and the
  // NotAction page: deny everything but IAM without MFA. BoolIfExists is
  // true when the key is absent (long-term access keys carry none).
  const denyWithoutMfa = inline('DenyAllUsersNotUsingMFA', [
    {
      Effect: 'Deny',
      NotAction: 'iam:*',
      Resource: '*',
      Condition: {
        BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' },
      },
    },
  ]);
  const mfa = (context?: SimulationContext) =>
    simulate(
      's3:GetObject',
      BUCKET_OBJECT,
      [denyWithoutMfa, ADMINISTRATOR_ACCESS],
      {
        context,
      },
    );

  it('...IfExists with the key absent holds: the Deny applies', () => {
    expect(outcome(mfa())).toEqual({
      decision: 'denied',
      reason: 'explicit-deny',
      deciding: ['DenyAllUsersNotUsingMFA#0'],
    });
  });

  it('...IfExists with the key present compares it', () => {
    expect(mfa({ 'aws:MultiFactorAuthPresent': 'true' }).decision).toBe(
      'allowed',
    );
    expect(mfa({ 'aws:MultiFactorAuthPresent': 'false' }).decision).toBe(
      'denied',
    );
  });

  it('Null tests presence, a key left out counting as absent', () => {
    const policy = inline('RequireTags', [
      {
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { Null: { 'aws:RequestTag/team': 'false' } },
      },
    ]);
    const createTags = (context?: SimulationContext) =>
      simulate('ec2:CreateTags', '*', [policy], { context }).decision;
    expect(createTags({ 'aws:RequestTag/team': 'payments' })).toBe('allowed');
    expect(createTags()).toBe('denied');
    expect(createTags({ 'aws:RequestTag/team': [] })).toBe('denied');
  });

  it('ForAllValues on a multivalued key (reference_policies_condition_examples-multi-valued-context-keys.html)', () => {
    const denyRestrictedTags = inline('DenyRestrictedTags', [
      {
        Sid: 'DenyRestrictedTags',
        Effect: 'Deny',
        Action: ['iam:Tag*', 'iam:UnTag*'],
        Resource: ['*'],
        Condition: {
          Null: { 'aws:TagKeys': 'false' },
          'ForAllValues:StringLike': {
            'aws:TagKeys': ['key1*', 'key2*', 'key3*'],
          },
        },
      },
    ]);
    const tagUser = (tagKeys: string[]) =>
      simulate(
        'iam:TagUser',
        USER_BOB,
        [denyRestrictedTags, ADMINISTRATOR_ACCESS],
        {
          context: { 'aws:TagKeys': tagKeys },
        },
      ).reason;
    expect(tagUser(['key1-a', 'key2-b'])).toBe('explicit-deny');
    expect(tagUser(['key1-a', 'other'])).toBe('allowed');
    // No tags: Null "false" fails, so ForAllValues' vacuous truth cannot deny.
    expect(tagUser([])).toBe('allowed');
  });
});

describe('simulatePermission: how unknown statements combine', () => {
  const conditional = (effect: 'Allow' | 'Deny'): PolicyStatement => ({
    Effect: effect,
    Action: 's3:GetObject',
    Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalTag/team': 'payments' } },
  });
  const allow: PolicyStatement = {
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: '*',
  };
  const deny: PolicyStatement = {
    Effect: 'Deny',
    Action: 's3:GetObject',
    Resource: '*',
  };
  const run = (...statements: PolicyStatement[]) =>
    outcome(simulate('s3:GetObject', BUCKET_OBJECT, [inline('p', statements)]));

  it('an undecided Deny beside a certain Allow: unknown, the Deny named', () => {
    expect(run(allow, conditional('Deny'))).toEqual({
      decision: 'unknown',
      reason: 'undecided-conditions',
      deciding: ['p#1'],
    });
  });

  it('a certain Deny wins over an undecided Allow', () => {
    expect(run(conditional('Allow'), deny)).toEqual({
      decision: 'denied',
      reason: 'explicit-deny',
      deciding: ['p#1'],
    });
  });

  it('an undecided Deny with nothing that can allow: denied (implicitly) either way', () => {
    expect(run(conditional('Deny'))).toEqual({
      decision: 'denied',
      reason: 'implicit-deny',
      deciding: [],
    });
  });

  it('an undecided Allow and nothing else: unknown, the Allow named', () => {
    expect(run(conditional('Allow'))).toEqual({
      decision: 'unknown',
      reason: 'undecided-conditions',
      deciding: ['p#0'],
    });
  });

  it('a certain Allow makes an undecided one irrelevant', () => {
    expect(run(conditional('Allow'), allow)).toEqual({
      decision: 'allowed',
      reason: 'allowed',
      deciding: ['p#1'],
    });
  });

  it('an undecided Deny and an undecided Allow: both named', () => {
    expect(run(conditional('Allow'), conditional('Deny'))).toEqual({
      decision: 'unknown',
      reason: 'undecided-conditions',
      deciding: ['p#1', 'p#0'],
    });
  });

  it('a certain identity Allow with an undecided boundary Allow: unknown, the boundary statement named', () => {
    const result = simulate(
      's3:GetObject',
      BUCKET_OBJECT,
      [inline('p', [allow])],
      {
        permissionsBoundary: {
          name: 'b',
          document: {
            Version: '2012-10-17',
            Statement: [conditional('Allow')],
          },
        },
      },
    );
    expect(outcome(result)).toEqual({
      decision: 'unknown',
      reason: 'undecided-conditions',
      deciding: ['b#0'],
    });
    expect(result.explanation).toContain(
      'whether the permissions boundary allows it (permissions boundary "b" statement 0)',
    );
  });

  it('an undecided identity Allow with a boundary that cannot allow: denied by the boundary', () => {
    const result = simulate(
      's3:GetObject',
      BUCKET_OBJECT,
      [inline('p', [conditional('Allow')])],
      {
        permissionsBoundary: {
          name: 'b',
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
          },
        },
      },
    );
    expect(outcome(result)).toEqual({
      decision: 'denied',
      reason: 'boundary',
      deciding: [],
    });
  });
});

describe('simulatePermission: policy variables', () => {
  const home = (version?: string) =>
    inline(
      'home',
      [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*',
        },
      ],
      version,
    );
  const get = (key: string, context?: SimulationContext, version?: string) =>
    simulate(
      's3:GetObject',
      `arn:aws:s3:::amzn-s3-demo-bucket/home/${key}`,
      [home(version)],
      { context },
    );

  it('substitutes a Resource variable from the context', () => {
    expect(get('alice/notes.txt', { 'aws:username': 'alice' }).decision).toBe(
      'allowed',
    );
    expect(get('bob/notes.txt', { 'aws:username': 'alice' }).decision).toBe(
      'denied',
    );
  });

  it('a variable left out of the context is unknown', () => {
    const result = get('alice/notes.txt');
    expect(result.decision).toBe('unknown');
    expect(result.missingContextKeys).toEqual(['aws:username']);
  });

  it('a variable the request lacks names nothing (roles have no aws:username)', () => {
    expect(get('alice/notes.txt', { 'aws:username': [] }).decision).toBe(
      'denied',
    );
  });

  it('a key given several values cannot stand for a variable: unknown', () => {
    // AWS substitutes single-valued keys only.
    const result = get('alice/notes.txt', { 'aws:username': ['alice', 'bob'] });
    expect(result.decision).toBe('unknown');
    expect(result.missingContextKeys).toEqual(['aws:username']);
  });

  it('a variable that cannot match even as a wildcard is decided', () => {
    // Not under home/ at all: no user name could make it match.
    const result = simulate(
      's3:GetObject',
      'arn:aws:s3:::amzn-s3-demo-bucket/public/index.html',
      [home()],
    );
    expect(result.reason).toBe('implicit-deny');
  });

  it('policies of version 2008-10-17 take ${...} literally', () => {
    expect(
      get(
        '${aws:username}/notes.txt',
        { 'aws:username': 'alice' },
        '2008-10-17',
      ).decision,
    ).toBe('allowed');
    expect(
      get('alice/notes.txt', { 'aws:username': 'alice' }, '2008-10-17')
        .decision,
    ).toBe('denied');
  });

  it('substitutes condition variables too', () => {
    const policy = inline('own-prefix', [
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
        Condition: { StringLike: { 's3:prefix': ['home/${aws:userid}/*'] } },
      },
    ]);
    const list = (context: SimulationContext) =>
      simulate('s3:ListBucket', 'arn:aws:s3:::amzn-s3-demo-bucket', [policy], {
        context,
      });
    expect(
      list({ 's3:prefix': 'home/AIDA1/x', 'aws:userid': 'AIDA1' }).decision,
    ).toBe('allowed');
    expect(
      list({ 's3:prefix': 'home/AIDA2/x', 'aws:userid': 'AIDA1' }).decision,
    ).toBe('denied');
    const unknown = list({ 's3:prefix': 'home/AIDA1/x' });
    expect(unknown.decision).toBe('unknown');
    expect(unknown.missingContextKeys).toEqual(['aws:userid']);
  });
});

describe('simulatePermission: input validation', () => {
  const valid: SimulatePermissionInput = {
    action: 's3:GetObject',
    resource: BUCKET_OBJECT,
    identityPolicies: [
      inline('p', [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]),
    ],
  };
  const fieldsOf = (input: unknown) =>
    validateSimulationInput(input as SimulatePermissionInput).map(p => p.field);

  it('accepts a valid input', () => {
    expect(validateSimulationInput(valid)).toEqual([]);
  });

  it.each([
    ['s3:Get*', /has a wildcard/],
    ['*', /has a wildcard/],
    ['GetObject', /must look like "service:Action"/],
    ['s3:Get Object', /must look like "service:Action"/],
    ['s3:GetObject:x', /must look like "service:Action"/],
  ])('rejects the action %j', (action, message) => {
    const problems = validateSimulationInput({ ...valid, action });
    expect(problems).toEqual([
      { field: 'action', message: expect.stringMatching(message) },
    ]);
  });

  it.each([
    ['arn:aws:s3:::bucket/*', /has a wildcard/],
    ['bucket/key', /is not an ARN/],
    ['arn:aws:s3', /is not an ARN/],
    ['arn:aws:s3:::', /is not an ARN/],
    ['arn:aws:s3::: key', /is not an ARN/],
    ['arn:AWS:s3:::bucket', /is not an ARN/],
    ['', /is not an ARN/],
  ])('rejects the resource %j', (resource, message) => {
    const problems = validateSimulationInput({ ...valid, resource });
    expect(problems).toEqual([
      { field: 'resource', message: expect.stringMatching(message) },
    ]);
  });

  it.each([
    '*',
    'arn:aws:iam::aws:policy/AdministratorAccess',
    'arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/i-1',
    'arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:x',
  ])('accepts the resource %j', resource => {
    expect(validateSimulationInput({ ...valid, resource })).toEqual([]);
  });

  it('names each bad policy field', () => {
    expect(
      fieldsOf({
        ...valid,
        identityPolicies: [
          {
            kind: 'attached',
            name: 'p',
            document: valid.identityPolicies[0].document,
          },
          { kind: 'inline', document: valid.identityPolicies[0].document },
          {
            kind: 'managed',
            arn: 'a',
            document: '{"Statement": [{"Effect": "Allow"}]}',
          },
          { kind: 'inline', name: 'q', document: 42 },
        ],
      }),
    ).toEqual([
      'identityPolicies[0].kind',
      'identityPolicies[1]',
      'identityPolicies[2].document',
      'identityPolicies[2].document',
      'identityPolicies[3].document',
    ]);
    expect(fieldsOf({ ...valid, identityPolicies: undefined })).toEqual([
      'identityPolicies',
    ]);
  });

  it('names a bad boundary and bad context entries', () => {
    expect(
      fieldsOf({
        ...valid,
        permissionsBoundary: { name: 'b', document: 'not json' },
        context: { 'aws:SourceIp': 7, 'aws:a': 'x', 'AWS:A': 'y' },
      }),
    ).toEqual([
      'context["aws:SourceIp"]',
      'context["AWS:A"]',
      'permissionsBoundary.document',
    ]);
  });

  it('simulatePermission throws a SimulationInputError carrying the problems', () => {
    const run = () => simulatePermission({ ...valid, action: 's3:*' });
    expect(run).toThrow(SimulationInputError);
    expect(run).toThrow(/^action: "s3:\*" has a wildcard/);
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect((thrown as SimulationInputError).problems).toEqual([
      { field: 'action', message: expect.any(String) },
    ]);
  });
});
