import { InfoCard } from '@backstage/core-components';
import {
  reviewBindingKey,
  SEVERITIES,
  type InventoryBinding,
  type Review,
} from '@irsa-backstage/plugin-irsa-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { SeverityChip } from '../SeverityChip';
import { MarkReviewedButton } from './MarkReviewedDialog';
import {
  bindingName,
  describeReviewStatus,
  OwnerGroup,
  reviewStatus,
} from './reviewView';

const useStyles = makeStyles(theme => ({
  counts: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) },
  count: { display: 'flex', alignItems: 'center', gap: theme.spacing(0.5) },
  mono: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    overflowWrap: 'anywhere',
  },
  finding: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    '& + &': { marginTop: theme.spacing(0.5) },
  },
  stale: { color: theme.palette.warning.dark, fontWeight: 500 },
}));

/** How many bindings of the group have each severity as their highest. */
const SeverityCounts = ({ group }: { group: OwnerGroup }) => {
  const classes = useStyles();
  const present = SEVERITIES.filter(s => group.counts[s] > 0);
  return (
    <Box className={classes.counts} data-testid="irsa-review-group-counts">
      <Typography variant="body2">
        {group.bindings.length} binding{group.bindings.length === 1 ? '' : 's'}
      </Typography>
      {present.map(s => (
        <span
          key={s}
          className={classes.count}
          data-testid={`irsa-review-count-${s}`}
        >
          <SeverityChip severity={s} />
          <Typography variant="body2" component="span">
            {group.counts[s]}
          </Typography>
        </span>
      ))}
    </Box>
  );
};

const BindingRow = (props: {
  binding: InventoryBinding;
  review?: Review;
  onReviewed: () => void;
}) => {
  const { binding, review, onReviewed } = props;
  const classes = useStyles();
  const status = reviewStatus(review);
  return (
    <TableRow data-testid="irsa-review-binding" data-binding-id={binding.id}>
      <TableCell>
        <Typography variant="body2" data-testid="irsa-review-binding-name">
          {bindingName(binding)}
        </Typography>
        {binding.entityRef && (
          <Typography variant="caption" color="textSecondary">
            {binding.entityRef}
          </Typography>
        )}
        {binding.stale && (
          <Typography
            variant="caption"
            display="block"
            className={classes.stale}
          >
            from the last good refresh (its source failed)
          </Typography>
        )}
      </TableCell>
      <TableCell className={classes.mono}>{binding.roleArn ?? '—'}</TableCell>
      <TableCell>
        {binding.findings.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No findings
          </Typography>
        ) : (
          binding.findings.map((f, i) => (
            <div
              key={`${f.code}-${i}`}
              className={classes.finding}
              data-testid={`irsa-review-finding-${f.code}`}
            >
              <SeverityChip severity={f.severity} />
              <span className={classes.mono}>{f.code}</span>
            </div>
          ))
        )}
      </TableCell>
      <TableCell>
        <Typography
          variant="body2"
          className={status.state === 'stale' ? classes.stale : undefined}
          data-testid="irsa-review-status"
          data-state={status.state}
        >
          {describeReviewStatus(status)}
        </Typography>
        {status.state !== 'not-reviewed' && status.review.comment && (
          <Typography variant="caption" color="textSecondary">
            “{status.review.comment}”
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <MarkReviewedButton binding={binding} onReviewed={onReviewed} />
      </TableCell>
    </TableRow>
  );
};

/** One owner's bindings: counts by severity, then a row per binding. */
export const OwnerGroupCard = (props: {
  group: OwnerGroup;
  reviews: Map<string, Review>;
  onReviewed: () => void;
}) => {
  const { group, reviews, onReviewed } = props;
  return (
    <Box mb={3} data-testid="irsa-review-group" data-owner={group.title}>
      <InfoCard
        title={group.title}
        subheader={<SeverityCounts group={group} />}
      >
        <Table size="small" aria-label={`Bindings owned by ${group.title}`}>
          <TableHead>
            <TableRow>
              <TableCell>Service account</TableCell>
              <TableCell>IAM role</TableCell>
              <TableCell>Findings</TableCell>
              <TableCell>Review</TableCell>
              <TableCell>
                <Typography variant="srOnly">Action</Typography>
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {group.bindings.map(b => (
              <BindingRow
                key={b.id}
                binding={b}
                review={reviews.get(reviewBindingKey(b))}
                onReviewed={onReviewed}
              />
            ))}
          </TableBody>
        </Table>
      </InfoCard>
    </Box>
  );
};
