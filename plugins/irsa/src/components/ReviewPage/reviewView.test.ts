import type {
  InventoryBinding,
  Review,
} from '@irsa-backstage/plugin-irsa-common';
import {
  describeReviewStatus,
  filtersFromSearchParams,
  filtersToSearchParams,
  groupByOwner,
  latestReviews,
  reviewStatus,
} from './reviewView';

const binding = (
  id: string,
  fields: Partial<InventoryBinding>,
): InventoryBinding => ({
  id,
  source: 'annotation',
  findings: [],
  stale: false,
  refreshedAt: '2026-11-30T10:00:00.000Z',
  ...fields,
});

describe('filters and the URL', () => {
  it('reads known filters, drops unknown severities and codes, and writes back only the set ones', () => {
    const filters = filtersFromSearchParams(
      new URLSearchParams(
        'owner=none&cluster=demo-east&severity=huge&code=PERM_ADMIN&x=1',
      ),
    );
    expect(filters).toEqual({
      owner: 'none',
      cluster: 'demo-east',
      namespace: undefined,
      severity: undefined,
      code: 'PERM_ADMIN',
    });
    expect(filtersToSearchParams(filters).toString()).toBe(
      'owner=none&cluster=demo-east&code=PERM_ADMIN',
    );
  });
});

describe('groupByOwner', () => {
  it('groups by owner, owners alphabetically and the unowned last, counting highest severities', () => {
    const groups = groupByOwner([
      binding('a', { owner: 'group:default/z', severity: 'critical' }),
      binding('b', {}),
      binding('c', { owner: 'group:default/a', severity: 'high' }),
      binding('d', { owner: 'group:default/z', severity: 'critical' }),
      binding('e', { owner: 'group:default/z' }),
    ]);
    expect(groups.map(g => [g.title, g.bindings.map(b => b.id)])).toEqual([
      ['group:default/a', ['c']],
      ['group:default/z', ['a', 'd', 'e']],
      ['Unowned', ['b']],
    ]);
    expect(groups[1].counts).toEqual({
      critical: 2,
      high: 0,
      medium: 0,
      low: 0,
      info: 0,
    });
  });
});

describe('review status', () => {
  const review = (id: string, stale: boolean): Review => ({
    id,
    createdAt: '2026-11-29T08:00:00.000Z',
    reviewer: 'user:default/guest',
    comment: 'ok',
    cluster: 'demo-east',
    namespace: 'payments',
    serviceAccount: 'payments-api',
    roleArn: 'arn:aws:iam::123456789012:role/r',
    reviewedHash: 'aaaaaaaa',
    stale,
  });

  it('takes the newest review of each binding and words its state', () => {
    const latest = latestReviews([review('2', true), review('1', false)]);
    expect(latest.size).toBe(1);
    const status = reviewStatus([...latest.values()][0]);
    expect(status.state).toBe('stale');
    expect(describeReviewStatus(status)).toBe(
      'Stale: changed since review (reviewed by user:default/guest, 2026-11-29)',
    );
    expect(describeReviewStatus(reviewStatus(review('1', false)))).toBe(
      'Reviewed by user:default/guest, 2026-11-29',
    );
    expect(describeReviewStatus(reviewStatus(undefined))).toBe('Not reviewed');
  });
});
