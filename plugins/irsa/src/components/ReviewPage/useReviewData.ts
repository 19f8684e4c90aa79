import { useApi } from '@backstage/frontend-plugin-api';
import type {
  InventoryBinding,
  InventorySource,
  Review,
} from '@irsa-backstage/plugin-irsa-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { irsaApiRef } from '../../api';
import { ReviewFilters, reviewQueryOf } from './reviewView';

/** Pages read at most per list: 20 pages of 500 bindings. */
const MAX_PAGES = 20;
const PAGE_SIZE = 500;

/** What the page shows: the filtered inventory and the reviews of its bindings. */
export interface ReviewData {
  bindings: InventoryBinding[];
  reviews: Review[];
  refreshedAt?: string;
  sources: InventorySource[];
  /** True when there were more bindings than the page reads. */
  truncated: boolean;
}

/** Every page of a cursor-paged list, up to MAX_PAGES. */
async function readAll<T>(
  page: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor;
    if (!cursor) return { items, truncated: false };
  }
  return { items, truncated: true };
}

/** Loads the inventory and the reviews for the filters; `retry` reloads both. */
export function useReviewData(filters: ReviewFilters) {
  const irsaApi = useApi(irsaApiRef);
  const key = JSON.stringify(filters);
  return useAsyncRetry(async (): Promise<ReviewData> => {
    let refreshedAt: string | undefined;
    let sources: InventorySource[] = [];
    const [bindings, reviews] = await Promise.all([
      readAll(async cursor => {
        const page = await irsaApi.listBindings({
          ...filters,
          limit: PAGE_SIZE,
          cursor,
        });
        refreshedAt = page.refreshedAt;
        sources = page.sources;
        return page;
      }),
      readAll(cursor =>
        irsaApi.listReviews({
          ...reviewQueryOf(filters),
          limit: PAGE_SIZE,
          cursor,
        }),
      ),
    ]);
    return {
      bindings: bindings.items,
      reviews: reviews.items,
      refreshedAt,
      sources,
      truncated: bindings.truncated,
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [irsaApi, key]);
}
