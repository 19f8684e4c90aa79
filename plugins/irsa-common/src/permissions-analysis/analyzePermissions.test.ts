import fc from 'fast-check';
import { actionPattern } from '../__testUtils__/actionPatterns';
import { createAnalysisCache } from '../analysisCache';
import { compileWildcard } from '../policy/wildcard';
import type { PolicyDocument, PolicyStatement } from '../types';
import {
  ActionInfo,
  allActionInfos,
  getActionAccessLevel,
  listIamServices,
} from './accessLevels';
import { expandActionPattern } from './actionIndex';
import { analyzePermissions } from './analyzePermissions';

// Property tests scan the whole catalogue many times: room for a busy machine.
const PROPERTY_TIMEOUT_MS = 30_000;

function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

function analyze(...statements: PolicyStatement[]) {
  return analyzePermissions({
    policies: [{ name: 'inline', document: doc(...statements) }],
  });
}

function codes(result: { findings: Array<{ code: string }> }) {
  return result.findings.map(f => f.code).sort();
}

describe('access levels', () => {
  it.each([
    ['s3:PutObject', 'Write'],
    ['S3:getobject', 'Read'],
    ['s3:ListBucket', 'List'],
    ['iam:AttachRolePolicy', 'Permissions management'],
    ['iam:TagRole', 'Tagging'],
    ['sts:AssumeRoleWithWebIdentity', 'Write'],
    ['s3:NoSuchAction', undefined],
    ['nosuchservice:GetThing', undefined],
    ['not-an-action', undefined],
  ])('%s is %s', (action, level) => {
    expect(getActionAccessLevel(action)).toBe(level);
  });

  it('expands wildcards case-insensitively against the table', () => {
    const puts = expandActionPattern('s3:Put*');
    expect(puts).toContain('s3:putobject');
    expect(puts.every(a => a.startsWith('s3:put'))).toBe(true);
    expect(puts.every(a => getActionAccessLevel(a) !== 'Read')).toBe(true);
    expect(expandActionPattern('S3:PUT*')).toEqual(puts);
    expect(expandActionPattern('sts:AssumeRole?ith*')).toEqual(
      expect.arrayContaining([
        'sts:assumerolewithsaml',
        'sts:assumerolewithwebidentity',
      ]),
    );
    expect(expandActionPattern('*').length).toBeGreaterThan(15000);
    expect(expandActionPattern('iam:PassRole')).toEqual(['iam:passrole']);
  });

  it('knows several hundred services', () => {
    expect(listIamServices().length).toBeGreaterThan(300);
    expect(listIamServices()).toEqual(
      expect.arrayContaining(['s3', 'iam', 'sts', 'eks']),
    );
  });
});

describe('analyzePermissions', () => {
  it('reports "*" on "*" as PERM_ADMIN only', () => {
    const result = analyze({ Effect: 'Allow', Action: '*', Resource: '*' });
    expect(codes(result)).toEqual(['PERM_ADMIN']);
    expect(result.findings[0]).toMatchObject({
      severity: 'critical',
      statementIndex: 0,
      policyName: 'inline',
    });
  });

  it('reports AdministratorAccess by ARN, whatever its document says', () => {
    const result = analyzePermissions({
      policies: [
        { arn: 'arn:aws:iam::aws:policy/AdministratorAccess', document: doc() },
      ],
    });
    expect(codes(result)).toEqual(['PERM_ADMIN']);
    expect(result.findings[0].policyArn).toBe(
      'arn:aws:iam::aws:policy/AdministratorAccess',
    );
  });

  it('reports "*" on specific resources as PERM_SERVICE_WILDCARD, not admin', () => {
    const result = analyze({
      Effect: 'Allow',
      Action: '*',
      Resource: 'arn:aws:s3:::bucket/*',
    });
    expect(codes(result)).toEqual(['PERM_SERVICE_WILDCARD']);
  });

  it('reports s3:* on one bucket as PERM_SERVICE_WILDCARD without write-on-any', () => {
    const result = analyze({
      Effect: 'Allow',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
    });
    expect(codes(result)).toEqual(['PERM_SERVICE_WILDCARD']);
    expect(result.findings[0].message).toContain('s3:*');
  });

  it('expands s3:Put* on "*" to write actions (PERM_WRITE_ON_ANY_RESOURCE)', () => {
    const result = analyze({
      Effect: 'Allow',
      Action: 's3:Put*',
      Resource: '*',
    });
    expect(codes(result)).toEqual(['PERM_WRITE_ON_ANY_RESOURCE']);
    expect(result.findings[0].message).toMatch(/s3:put/);
  });

  it('does not flag read and list actions on "*"', () => {
    const result = analyze({
      Effect: 'Allow',
      Action: ['s3:Get*', 's3:List*', 'ec2:Describe*'],
      Resource: '*',
    });
    expect(result.findings).toEqual([]);
    expect(result.summary?.actionsByAccessLevel.Write).toBeUndefined();
    expect(result.summary?.services).toEqual(['ec2', 's3']);
  });

  it('does not flag write actions that support no resource types (X-Ray daemon, autoscaling describe calls)', () => {
    const result = analyze({
      Effect: 'Allow',
      Action: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'autoscaling:DescribeAutoScalingGroups',
      ],
      Resource: '*',
    });
    expect(result.findings).toEqual([]);
  });

  it("flags eksctl's cluster-autoscaler inline policy for its resource-level write actions", () => {
    const result = analyze({
      Effect: 'Allow',
      Action: [
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeLaunchConfigurations',
        'autoscaling:DescribeTags',
        'autoscaling:SetDesiredCapacity',
        'autoscaling:TerminateInstanceInAutoScalingGroup',
      ],
      Resource: '*',
    });
    expect(codes(result)).toEqual(['PERM_WRITE_ON_ANY_RESOURCE']);
    expect(result.findings[0].message).toMatch(
      /autoscaling:setdesiredcapacity/,
    );
    expect(result.findings[0].message).not.toMatch(/describe/);
  });

  it('reports iam:* as service wildcard, privilege escalation and write on any resource', () => {
    const result = analyze({ Effect: 'Allow', Action: 'iam:*', Resource: '*' });
    expect(codes(result)).toEqual([
      'PERM_PRIVILEGE_ESCALATION',
      'PERM_SERVICE_WILDCARD',
      'PERM_WRITE_ON_ANY_RESOURCE',
    ]);
    expect(result.findings[0].code).toBe('PERM_PRIVILEGE_ESCALATION');
  });

  it('finds escalation actions granted through wildcards on specific resources', () => {
    const result = analyze({
      Effect: 'Allow',
      Action: 'iam:Put*',
      Resource: 'arn:aws:iam::111122223333:role/app-*',
    });
    expect(codes(result)).toEqual(['PERM_PRIVILEGE_ESCALATION']);
    expect(result.findings[0].message).toMatch(/iam:putrolepolicy/);
  });

  it.each([
    'iam:CreatePolicyVersion',
    'iam:SetDefaultPolicyVersion',
    'iam:AttachUserPolicy',
    'iam:AttachGroupPolicy',
    'iam:PutGroupPolicy',
    'iam:UpdateAssumeRolePolicy',
    'iam:CreateAccessKey',
    'iam:CreateLoginProfile',
    'iam:UpdateLoginProfile',
    'iam:AddUserToGroup',
    'lambda:UpdateFunctionCode',
  ])('reports %s as PERM_PRIVILEGE_ESCALATION even on one resource', action => {
    const service = action.split(':')[0];
    const result = analyze({
      Effect: 'Allow',
      Action: action,
      Resource: `arn:aws:${service}:*:111122223333:some/resource`,
    });
    expect(codes(result)).toEqual(['PERM_PRIVILEGE_ESCALATION']);
  });

  it('counts an action as granted only on resources of its service', () => {
    // "*" on an S3 bucket grants no IAM action; sts:AssumeRole acts on IAM role ARNs.
    expect(
      codes(
        analyze({
          Effect: 'Allow',
          Action: 'iam:*',
          Resource: 'arn:aws:s3:::bucket',
        }),
      ),
    ).toEqual(['PERM_SERVICE_WILDCARD']);
    expect(
      codes(
        analyze({
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'lambda:UpdateFunctionCode'],
          Resource: 'arn:aws:iam::*:role/*',
        }),
      ),
    ).toEqual([]);
    expect(
      codes(
        analyze({
          Effect: 'Allow',
          Action: 'lambda:UpdateFunctionCode',
          Resource: 'arn:aws:*:*:*:function:*',
        }),
      ),
    ).toEqual(['PERM_PRIVILEGE_ESCALATION']);
  });

  it('reports iam:PassRole and sts:AssumeRole only on "*"', () => {
    expect(
      codes(
        analyze({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }),
      ),
    ).toEqual(['PERM_PRIVILEGE_ESCALATION', 'PERM_WRITE_ON_ANY_RESOURCE']);
    expect(
      codes(
        analyze({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }),
      ),
    ).toContain('PERM_PRIVILEGE_ESCALATION');
    expect(
      analyze({
        Effect: 'Allow',
        Action: ['iam:PassRole', 'sts:AssumeRole'],
        Resource: 'arn:aws:iam::111122223333:role/app',
      }).findings,
    ).toEqual([]);
  });

  it('reports iam:PassRole combined with ec2:RunInstances across policies, naming both', () => {
    const result = analyzePermissions({
      policies: [
        {
          name: 'pass',
          document: doc({
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: 'arn:aws:iam::111122223333:role/admin',
          }),
        },
        {
          arn: 'arn:aws:iam::111122223333:policy/ec2',
          name: 'ec2',
          document: doc({
            Effect: 'Allow',
            Action: 'ec2:RunInstances',
            Resource: 'arn:aws:ec2:*:*:instance/*',
          }),
        },
      ],
    });
    expect(codes(result)).toEqual(['PERM_PRIVILEGE_ESCALATION']);
    expect(result.findings[0]).toMatchObject({
      policyName: 'pass',
      statementIndex: 0,
    });
    expect(result.findings[0].message).toMatch(
      /ec2:runinstances.*together with policy "ec2" statement 0/,
    );
  });

  it('reports PERM_NOT_ACTION, and the escalation actions NotAction lets through', () => {
    const result = analyze({
      Effect: 'Allow',
      NotAction: 's3:*',
      Resource: '*',
    });
    expect(codes(result)).toEqual(
      expect.arrayContaining([
        'PERM_NOT_ACTION',
        'PERM_PRIVILEGE_ESCALATION',
        'PERM_WRITE_ON_ANY_RESOURCE',
      ]),
    );
    expect(
      result.findings.find(f => f.code === 'PERM_NOT_ACTION')?.severity,
    ).toBe('high');
  });

  it('never reports Deny statements', () => {
    const result = analyze(
      { Effect: 'Deny', Action: '*', Resource: '*' },
      { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
    );
    expect(result.findings).toEqual([]);
  });

  it('takes unconditional Deny statements off the grants, but not conditional ones', () => {
    const allow: PolicyStatement = {
      Effect: 'Allow',
      Action: ['iam:PutRolePolicy', 's3:PutObject'],
      Resource: '*',
    };
    const denied = analyze(allow, {
      Effect: 'Deny',
      Action: 'iam:*',
      Resource: '*',
    });
    expect(codes(denied)).toEqual(['PERM_WRITE_ON_ANY_RESOURCE']);
    expect(denied.findings[0].message).not.toMatch(/iam:/);
    const conditional = analyze(allow, {
      Effect: 'Deny',
      Action: 'iam:*',
      Resource: '*',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
    });
    expect(codes(conditional)).toContain('PERM_PRIVILEGE_ESCALATION');
  });

  it('leaves denied actions out of the summary, for a few actions and for many', () => {
    const few = analyze(
      { Effect: 'Allow', Action: ['iam:PutRolePolicy'], Resource: '*' },
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: '*' },
      { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
    );
    expect(few.summary).toEqual({
      actionsByAccessLevel: { Write: 1 },
      services: ['s3'],
    });
    const s3 = expandActionPattern('s3:*');
    const deletes = expandActionPattern('s3:Delete*');
    const many = analyze(
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
      { Effect: 'Deny', Action: ['s3:Delete*', 'iam:*'], Resource: '*' },
    );
    const levels = many.summary?.actionsByAccessLevel ?? {};
    expect(Object.values(levels).reduce((a, b) => a + b, 0)).toBe(
      s3.length - deletes.length,
    );
    expect(many.summary?.services).toEqual(['s3']);
  });

  it('gives every caller its own findings and summary, whatever the cache holds', () => {
    const cache = createAnalysisCache();
    const policies = [
      {
        name: 'p',
        document: JSON.stringify(
          doc(
            { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
            { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
          ),
        ),
      },
    ];
    const first = analyzePermissions({ policies, cache });
    const expected = JSON.stringify(first);
    first.summary!.services.push('changed');
    first.summary!.actionsByAccessLevel.Read = -1;
    first.findings[0].message = 'changed';
    expect(JSON.stringify(analyzePermissions({ policies, cache }))).toBe(
      expected,
    );
  });

  it('reads URL-encoded documents and reports malformed ones without analysing them', () => {
    const result = analyzePermissions({
      policies: [
        {
          name: 'encoded',
          document: encodeURIComponent(
            JSON.stringify(
              doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
            ),
          ),
        },
        { name: 'broken', document: '{"Statement": [' },
      ],
    });
    expect(codes(result)).toEqual([
      'PERM_SERVICE_WILDCARD',
      'PERM_WRITE_ON_ANY_RESOURCE',
    ]);
    expect(result.findings.every(f => f.policyName === 'encoded')).toBe(true);
    expect(result.malformedPolicies).toEqual([
      {
        name: 'broken',
        arn: undefined,
        problems: [expect.stringMatching(/not valid JSON/)],
      },
    ]);
  });

  it("has nothing to say about the AWS guide's least-privilege policy", () => {
    const result = analyze({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::my-pod-secrets-bucket',
    });
    expect(result.findings).toEqual([]);
    expect(result.summary).toEqual({
      actionsByAccessLevel: { Read: 1 },
      services: ['s3'],
    });
  });
});

/** A statement on every resource, as the reference below reads it. */
interface RandomStatement {
  effect: 'Allow' | 'Deny';
  element: 'Action' | 'NotAction';
  patterns: string[];
  conditional: boolean;
}

// What the parser accepts (anything else makes the policy malformed).
const validPattern = actionPattern.filter(
  p => p === '*' || /^[^:\s]+:[^:\s]+$/.test(p),
);

const randomStatement: fc.Arbitrary<RandomStatement> = fc.record({
  effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  element: fc.constantFrom('Action', 'Action', 'Action', 'NotAction'),
  patterns: fc.array(validPattern, { minLength: 1, maxLength: 3 }),
  conditional: fc.boolean(),
});

function toPolicyStatement(s: RandomStatement): PolicyStatement {
  return {
    Effect: s.effect,
    [s.element]: s.patterns,
    Resource: '*',
    ...(s.conditional
      ? { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }
      : {}),
  } as PolicyStatement;
}

/**
 * The catalogue actions a statement lists, the plain way: each pattern
 * against every name (Action: pattern by pattern, in table order;
 * NotAction: the rest, in table order).
 */
function listedActions(s: RandomStatement): ActionInfo[] {
  const matchers = s.patterns.map(p => compileWildcard(p.toLowerCase()));
  const all = allActionInfos();
  if (s.element === 'NotAction') {
    return all.filter(info => !matchers.some(m => m(info.name)));
  }
  return [...new Set(matchers.flatMap(m => all.filter(info => m(info.name))))];
}

describe('analyzePermissions against a plain scan of the catalogue', () => {
  it(
    'summarises and counts what the Allow statements grant, after unconditional denials',
    () => {
      fc.assert(
        fc.property(
          fc.array(randomStatement, { minLength: 1, maxLength: 5 }),
          statements => {
            const denied = new Set(
              statements
                .filter(s => s.effect === 'Deny' && !s.conditional)
                .flatMap(listedActions),
            );
            const allows = statements.filter(s => s.effect === 'Allow');
            const granted = allows.map(s =>
              listedActions(s).filter(info => !denied.has(info)),
            );
            const result = analyzePermissions({
              policies: [
                {
                  name: 'p',
                  document: doc(...statements.map(toPolicyStatement)),
                },
              ],
            });
            expect(result.malformedPolicies).toBeUndefined();
            const union = [...new Set(granted.flat())];
            const expected: Record<string, number> = {};
            for (const info of union) {
              expected[info.level] = (expected[info.level] ?? 0) + 1;
            }
            // Same keys in the same order: the order they first appear.
            expect(JSON.stringify(result.summary?.actionsByAccessLevel)).toBe(
              JSON.stringify(expected),
            );
            expect(result.summary?.services).toEqual(
              [...new Set(union.map(info => info.service))].sort(),
            );
            allows.forEach((s, i) => {
              const statementIndex = statements.indexOf(s);
              const risky = granted[i].filter(
                info =>
                  !info.resourceless &&
                  (info.level === 'Write' ||
                    info.level === 'Permissions management'),
              );
              const finding = result.findings.find(
                f =>
                  f.code === 'PERM_WRITE_ON_ANY_RESOURCE' &&
                  f.statementIndex === statementIndex,
              );
              const admin =
                s.element === 'Action' &&
                s.patterns.some(p => p === '*' || p === '*:*');
              // "*" on "*" is PERM_ADMIN and nothing else.
              const count = /^.* allows (\d+) write/.exec(
                finding?.message ?? '',
              )?.[1];
              expect(count).toBe(
                admin || risky.length === 0 ? undefined : `${risky.length}`,
              );
            });
          },
        ),
        { numRuns: 40 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'gives the same answers through a shared cache, a zero-size one and none',
    () => {
      const shared = createAnalysisCache();
      fc.assert(
        fc.property(
          fc.array(randomStatement, { minLength: 1, maxLength: 5 }),
          statements => {
            const policies = [
              {
                name: 'p',
                document: JSON.stringify(
                  doc(...statements.map(toPolicyStatement)),
                ),
              },
            ];
            const fresh = JSON.stringify(analyzePermissions({ policies }));
            for (const cache of [
              shared,
              shared,
              createAnalysisCache({ maxEntries: 0 }),
            ]) {
              expect(
                JSON.stringify(analyzePermissions({ policies, cache })),
              ).toBe(fresh);
            }
          },
        ),
        { numRuns: 40 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
