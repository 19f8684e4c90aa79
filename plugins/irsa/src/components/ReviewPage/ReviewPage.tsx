import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { reviewBindingKey } from '@irsa-backstage/plugin-irsa-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { bindingsCsv, downloadText } from './csv';
import { OwnerGroupCard } from './OwnerGroupCard';
import { ReviewFilterForm } from './ReviewFilterForm';
import {
  filtersFromSearchParams,
  filtersToSearchParams,
  groupByOwner,
  latestReviews,
  ReviewFilters,
  reviewStatus,
} from './reviewView';
import { ReviewData, useReviewData } from './useReviewData';

/** The bindings of the view in the page's order, with their review status. */
function viewRows(data: ReviewData) {
  const reviews = latestReviews(data.reviews);
  const groups = groupByOwner(data.bindings);
  const rows = groups.flatMap(g =>
    g.bindings.map(binding => ({
      binding,
      status: reviewStatus(reviews.get(reviewBindingKey(binding))),
    })),
  );
  return { reviews, groups, rows };
}

const RefreshInfo = ({ data }: { data: ReviewData }) => {
  const failed = data.sources.filter(s => s.stale);
  return (
    <>
      <Typography variant="body2" data-testid="irsa-review-refreshed">
        {data.refreshedAt
          ? `Inventory last refreshed ${new Date(
              data.refreshedAt,
            ).toLocaleString()}`
          : 'The inventory has not been refreshed yet'}
      </Typography>
      {failed.length > 0 && (
        <Box mt={1} data-testid="irsa-review-stale-sources">
          <WarningPanel
            title="Some sources failed in the last refresh; their bindings are from the last good one"
            message={failed
              .map(s => `${s.kind} ${s.name}: ${s.error ?? 'failed'}`)
              .join('; ')}
          />
        </Box>
      )}
      {data.truncated && (
        <Box mt={1}>
          <WarningPanel title="Only the first 10,000 bindings are shown; narrow the filters" />
        </Box>
      )}
    </>
  );
};

/** The review page's body: filters, the refresh time, CSV export and the owners' groups. */
export const ReviewContent = () => {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(
    () => filtersFromSearchParams(searchParams),
    [searchParams],
  );
  const applyFilters = useCallback(
    (next: ReviewFilters) => setSearchParams(filtersToSearchParams(next)),
    [setSearchParams],
  );
  const { value, loading, error, retry } = useReviewData(filters);
  const view = useMemo(() => (value ? viewRows(value) : undefined), [value]);

  return (
    <>
      <ContentHeader title="Bindings by owner">
        <Button
          variant="outlined"
          disabled={!view || view.rows.length === 0}
          onClick={() =>
            view &&
            downloadText(
              bindingsCsv(view.rows),
              `irsa-review-${new Date().toISOString().slice(0, 10)}.csv`,
            )
          }
          data-testid="irsa-review-export-csv"
        >
          Export CSV
        </Button>
      </ContentHeader>
      <Box mb={2}>
        <ReviewFilterForm filters={filters} onChange={applyFilters} />
      </Box>
      {loading && !value && <Progress />}
      {error && (
        <Box data-testid="irsa-review-error-panel">
          <ResponseErrorPanel error={error} />
        </Box>
      )}
      {value && view && (
        <>
          <Box mb={2}>
            <RefreshInfo data={value} />
          </Box>
          {view.groups.length === 0 ? (
            <Box data-testid="irsa-review-empty">
              <EmptyState
                missing="data"
                title="No bindings"
                description="The inventory has no binding that matches these filters (or none you own)."
              />
            </Box>
          ) : (
            view.groups.map(group => (
              <OwnerGroupCard
                key={group.title}
                group={group}
                reviews={view.reviews}
                onReviewed={retry}
              />
            ))
          )}
        </>
      )}
    </>
  );
};

/**
 * The ownership review page (`/irsa`): the inventory's bindings grouped by
 * owner, with their findings and review status, filters, "Mark reviewed"
 * and a CSV export of the current view.
 */
export const ReviewPage = () => (
  <Page themeId="tool">
    <Header
      title="IRSA ownership review"
      subtitle="Every IAM role of a Kubernetes service account, by owner: findings, and who reviewed it"
    />
    <Content>
      <ReviewContent />
    </Content>
  </Page>
);
