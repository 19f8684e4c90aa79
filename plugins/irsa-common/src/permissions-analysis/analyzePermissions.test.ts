import type { PolicyDocument, PolicyStatement } from '../types';
import { getActionAccessLevel, listIamServices } from './accessLevels';
import { expandActionPattern } from './actionIndex';
import { analyzePermissions } from './analyzePermissions';

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
