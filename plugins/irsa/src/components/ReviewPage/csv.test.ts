import type { InventoryBinding } from '@irsa-backstage/plugin-irsa-common';
import { bindingsCsv, csvField, toCsv } from './csv';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf', '"cr\rlf"'],
    ['', ''],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@sum', "'@sum"],
  ])('writes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('toCsv', () => {
  it('ends every line, the last too, with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b'],
        ['c,d', ''],
      ]),
    ).toBe('a,b\r\n"c,d",\r\n');
  });
});

describe('bindingsCsv', () => {
  const binding: InventoryBinding = {
    id: '1',
    source: 'annotation',
    cluster: 'demo-east',
    namespace: 'payments',
    serviceAccount: 'payments-api',
    roleArn: 'arn:aws:iam::123456789012:role/irsa-demo-payments-api',
    entityRef: 'component:default/payments-api',
    owner: 'group:default/team-payments',
    severity: 'critical',
    findings: [
      { code: 'PERM_ADMIN', severity: 'critical', message: 'admin' },
      { code: 'POD_ROLE_STALE', severity: 'medium', message: 'restart' },
    ],
    stale: false,
    refreshedAt: '2026-11-30T10:00:00.000Z',
  };

  it('writes a header and one row per binding with its findings and review', () => {
    const csv = bindingsCsv([
      {
        binding,
        status: {
          state: 'stale',
          review: {
            id: '7',
            createdAt: '2026-11-29T08:00:00.000Z',
            reviewer: 'user:default/guest',
            comment: 'ok, "for now", see ticket\nOPS-1',
            roleArn: binding.roleArn!,
            reviewedHash: 'aaaaaaaa',
            currentHash: 'bbbbbbbb',
            stale: true,
          },
        },
      },
      {
        binding: {
          ...binding,
          id: '2',
          owner: undefined,
          entityRef: undefined,
          severity: undefined,
          findings: [],
        },
        status: { state: 'not-reviewed' },
      },
    ]);
    expect(csv).toBe(
      [
        'owner,entity,cluster,namespace,service account,role ARN,severity,finding codes,review status,reviewer,reviewed at,review comment',
        'group:default/team-payments,component:default/payments-api,demo-east,payments,payments-api,arn:aws:iam::123456789012:role/irsa-demo-payments-api,critical,PERM_ADMIN POD_ROLE_STALE,stale,user:default/guest,2026-11-29T08:00:00.000Z,"ok, ""for now"", see ticket\nOPS-1"',
        'Unowned,,demo-east,payments,payments-api,arn:aws:iam::123456789012:role/irsa-demo-payments-api,,,not reviewed,,,',
        '',
      ].join('\r\n'),
    );
  });
});
