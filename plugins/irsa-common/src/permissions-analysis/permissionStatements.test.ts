import { createAnalysisCache } from '../analysisCache';
import type { PolicyDocument, PolicyStatement } from '../types';
import { allActionInfos, listIamServices } from './accessLevels';
import { expandActionPattern } from './actionIndex';
import { analyzePermissions } from './analyzePermissions';
import {
  describePermissionStatements,
  MAX_NAMED_ACTIONS,
  PermissionStatementsPolicy,
} from './permissionStatements';

function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

/**
 * Rows and findings the way the backend computes them: one shared cache, the
 * boundary not analysed for findings.
 */
function rowsOf(policies: PermissionStatementsPolicy[]) {
  const cache = createAnalysisCache();
  const { findings } = analyzePermissions({
    policies: policies.filter(p => p.kind !== 'boundary'),
    cache,
  });
  return describePermissionStatements({ policies, findings, cache });
}

describe('describePermissionStatements', () => {
  it('gives one row per statement, managed then inline then boundary, in policy order', () => {
    const rows = rowsOf([
      {
        kind: 'managed',
        arn: 'arn:aws:iam::123456789012:policy/read',
        name: 'read',
        document: doc(
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
          { Sid: 'Queue', Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
        ),
      },
      {
        kind: 'inline',
        name: 'deny-delete',
        document: encodeURIComponent(
          JSON.stringify(
            doc({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }),
          ),
        ),
      },
      {
        kind: 'boundary',
        arn: 'arn:aws:iam::123456789012:policy/boundary',
        document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
      },
    ]);
    expect(
      rows.map(r => [r.policy.kind, r.policy.name, r.statementIndex, r.effect]),
    ).toEqual([
      ['managed', 'read', 0, 'Allow'],
      ['managed', 'read', 1, 'Allow'],
      ['inline', 'deny-delete', 0, 'Deny'],
      ['boundary', undefined, 0, 'Allow'],
    ]);
    expect(rows[1].sid).toBe('Queue');
    expect(rows[0].sid).toBeUndefined();
    expect(rows[3].policy).toEqual({
      kind: 'boundary',
      arn: 'arn:aws:iam::123456789012:policy/boundary',
    });
  });

  it('counts what a service wildcard expands to, with its access levels, and names few actions', () => {
    const [row] = rowsOf([
      {
        kind: 'inline',
        name: 'queue',
        document: doc({
          Effect: 'Allow',
          Action: ['sqs:*', 's3:GetObject'],
          Resource: '*',
        }),
      },
    ]);
    const sqs = expandActionPattern('sqs:*');
    expect(row.patterns).toEqual([
      { pattern: 'sqs:*', actionCount: sqs.length },
      { pattern: 's3:GetObject', actionCount: 1 },
    ]);
    expect(row.granted.actionCount).toBe(sqs.length + 1);
    expect(row.granted.services).toEqual([
      { service: 's3', actionCount: 1 },
      { service: 'sqs', actionCount: sqs.length },
    ]);
    expect(row.granted.serviceCount).toBe(2);
    expect(row.granted.allServices).toBe(false);
    const levels = Object.values(row.granted.actionsByAccessLevel);
    expect(levels.reduce((a, b) => a + (b ?? 0), 0)).toBe(sqs.length + 1);
    expect(row.granted.actionsByAccessLevel.Read).toBeGreaterThanOrEqual(1);
    // Few enough to name them.
    expect(sqs.length + 1).toBeLessThanOrEqual(MAX_NAMED_ACTIONS);
    expect(row.granted.actions).toEqual(
      expect.arrayContaining(['s3:getobject', 'sqs:sendmessage']),
    );
    expect(row.findingCodes).toEqual(
      expect.arrayContaining([
        'PERM_SERVICE_WILDCARD',
        'PERM_WRITE_ON_ANY_RESOURCE',
      ]),
    );
  });

  it('summarises "*" as every service, without naming its actions', () => {
    const [row] = rowsOf([
      {
        kind: 'managed',
        arn: ADMIN_ARN,
        name: 'AdministratorAccess',
        document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
      },
    ]);
    expect(row.granted.allServices).toBe(true);
    expect(row.granted.serviceCount).toBe(listIamServices().length);
    expect(row.granted.actionCount).toBe(allActionInfos().length);
    expect(row.granted.actions).toBeUndefined();
    expect(row.patterns).toEqual([
      { pattern: '*', actionCount: allActionInfos().length },
    ]);
    // The finding on the policy (by ARN) and the one on the statement.
    expect(row.findingCodes).toEqual(['PERM_ADMIN']);
  });

  it('counts NotAction as every other action, and only a resource ARN’s own service', () => {
    const [notAction, bucketOnly] = rowsOf([
      {
        kind: 'inline',
        name: 'broad',
        document: doc(
          { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
          {
            Effect: 'Allow',
            Action: '*',
            Resource: 'arn:aws:s3:::invoices/*',
          },
        ),
      },
    ]);
    const iam = expandActionPattern('iam:*').length;
    expect(notAction.actionElement).toBe('NotAction');
    expect(notAction.patterns).toEqual([
      { pattern: 'iam:*', actionCount: iam },
    ]);
    expect(notAction.granted.actionCount).toBe(allActionInfos().length - iam);
    expect(notAction.granted.serviceCount).toBe(listIamServices().length - 1);
    expect(notAction.granted.allServices).toBe(false);
    expect(notAction.findingCodes).toContain('PERM_NOT_ACTION');
    // "*" on an S3 ARN covers S3's actions only.
    expect(bucketOnly.granted.services.map(s => s.service)).toEqual(['s3']);
    expect(bucketOnly.resources).toEqual(['arn:aws:s3:::invoices/*']);
    expect(bucketOnly.resourceElement).toBe('Resource');
  });

  it('keeps the conditions, and unknown actions count 0', () => {
    const [row] = rowsOf([
      {
        kind: 'inline',
        name: 'conditional',
        document: doc({
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:NoSuchThing'],
          Resource: 'arn:aws:s3:::bucket/*',
          Condition: {
            StringEquals: { 'aws:PrincipalTag/team': ['a', 'b'] },
            BoolIfExists: { 'aws:SecureTransport': 'true' },
          },
        }),
      },
    ]);
    expect(row.patterns[1]).toEqual({
      pattern: 's3:NoSuchThing',
      actionCount: 0,
    });
    expect(row.granted.actionCount).toBe(1);
    expect(row.conditions).toEqual([
      {
        operator: 'StringEquals',
        key: 'aws:PrincipalTag/team',
        values: ['a', 'b'],
      },
      {
        operator: 'BoolIfExists',
        key: 'aws:SecureTransport',
        values: ['true'],
      },
    ]);
    expect(row.findingCodes).toEqual([]);
  });

  it('marks only the statement a finding names, and not boundary rows', () => {
    const rows = rowsOf([
      {
        kind: 'inline',
        name: 'mixed',
        document: doc(
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
          { Effect: 'Allow', Action: 'iam:CreatePolicyVersion', Resource: '*' },
        ),
      },
      {
        kind: 'boundary',
        name: 'mixed',
        document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
      },
    ]);
    expect(rows[0].findingCodes).toEqual([]);
    expect(rows[1].findingCodes).toContain('PERM_PRIVILEGE_ESCALATION');
    expect(rows[2].findingCodes).toEqual([]);
  });

  it('skips a policy it cannot parse', () => {
    expect(
      describePermissionStatements({
        policies: [{ kind: 'inline', name: 'bad', document: '{not json' }],
      }),
    ).toEqual([]);
  });
});
