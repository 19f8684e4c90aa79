import {
  FINDING_CODES,
  reviewBindingKey,
  SEVERITIES,
  type FindingCode,
  type InventoryBinding,
  type Review,
  type Severity,
} from '@irsa-backstage/plugin-irsa-common';

/** The page's filters: the query params of `GET /bindings`, kept in the URL. */
export interface ReviewFilters {
  /** An owner entity ref, or `none` for the unowned bindings. */
  owner?: string;
  cluster?: string;
  namespace?: string;
  /** Bindings whose highest finding is this severe or more. */
  severity?: Severity;
  code?: FindingCode;
}

export const FILTER_KEYS = [
  'owner',
  'cluster',
  'namespace',
  'severity',
  'code',
] as const;

/** The filters a URL carries; unknown severities and codes are left out. */
export function filtersFromSearchParams(
  params: URLSearchParams,
): ReviewFilters {
  const text = (key: string) => params.get(key)?.trim() || undefined;
  const severity = text('severity');
  const code = text('code');
  return {
    owner: text('owner'),
    cluster: text('cluster'),
    namespace: text('namespace'),
    severity: SEVERITIES.includes(severity as Severity)
      ? (severity as Severity)
      : undefined,
    code: FINDING_CODES.includes(code as FindingCode)
      ? (code as FindingCode)
      : undefined,
  };
}

/** The filters as URL search params, the empty ones left out. */
export function filtersToSearchParams(filters: ReviewFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params;
}

/** What `GET /reviews` can filter by: the binding's owner and place. */
export function reviewQueryOf(filters: ReviewFilters) {
  const { owner, cluster, namespace } = filters;
  return { owner, cluster, namespace };
}

/** Where a binding stands: the newest review of it, if any. */
export type ReviewStatus =
  | { state: 'not-reviewed' }
  | { state: 'reviewed' | 'stale'; review: Review };

/** The newest review of each binding (reviews come newest first). */
export function latestReviews(reviews: Review[]): Map<string, Review> {
  const latest = new Map<string, Review>();
  for (const review of reviews) {
    const key = reviewBindingKey(review);
    if (!latest.has(key)) latest.set(key, review);
  }
  return latest;
}

export function reviewStatus(review: Review | undefined): ReviewStatus {
  if (!review) return { state: 'not-reviewed' };
  return { state: review.stale ? 'stale' : 'reviewed', review };
}

/** The day of a timestamp, in UTC, as YYYY-MM-DD. */
export function day(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/** A review status in words, as the page and the CSV show it. */
export function describeReviewStatus(status: ReviewStatus): string {
  if (status.state === 'not-reviewed') return 'Not reviewed';
  const by = `${status.review.reviewer}, ${day(status.review.createdAt)}`;
  return status.state === 'stale'
    ? `Stale: changed since review (reviewed by ${by})`
    : `Reviewed by ${by}`;
}

/** The owner group of the bindings without an owner. */
export const UNOWNED = 'Unowned';

/** One owner's bindings, with how many have each severity as their highest. */
export interface OwnerGroup {
  /** The owner entity ref, or undefined for the unowned bindings. */
  owner?: string;
  title: string;
  bindings: InventoryBinding[];
  counts: Record<Severity, number>;
}

/** Bindings grouped by owner: owners alphabetically, the unowned last. */
export function groupByOwner(bindings: InventoryBinding[]): OwnerGroup[] {
  const groups = new Map<string, OwnerGroup>();
  for (const binding of bindings) {
    const key = binding.owner ?? '';
    let group = groups.get(key);
    if (!group) {
      group = {
        owner: binding.owner,
        title: binding.owner ?? UNOWNED,
        bindings: [],
        counts: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      };
      groups.set(key, group);
    }
    group.bindings.push(binding);
    if (binding.severity) group.counts[binding.severity] += 1;
  }
  return [...groups.values()].sort((a, b) => {
    if (!a.owner !== !b.owner) return a.owner ? -1 : 1;
    return a.title.localeCompare(b.title);
  });
}

/** How a binding is named on the page: cluster/namespace/service account, or its role. */
export function bindingName(b: InventoryBinding): string {
  const place = [b.cluster, b.namespace, b.serviceAccount].filter(Boolean);
  return place.length > 0 ? place.join('/') : b.roleArn ?? b.id;
}
