import { FINDING_CODES, SEVERITIES } from '@irsa-backstage/plugin-irsa-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { useEffect, useState } from 'react';
import { ReviewFilters } from './reviewView';

const useStyles = makeStyles(theme => ({
  form: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'center',
    // on the paper colour, as Backstage's cards: helper text on the page's grey is below AA
    backgroundColor: theme.palette.background.paper,
    padding: theme.spacing(2),
    borderRadius: theme.shape.borderRadius,
  },
  text: { minWidth: 200 },
  select: { minWidth: 160 },
}));

/**
 * The filters of the page, applied together (Enter or "Apply"): each is a
 * query param of `GET /bindings` and of the page's URL.
 */
export const ReviewFilterForm = (props: {
  filters: ReviewFilters;
  onChange: (filters: ReviewFilters) => void;
}) => {
  const classes = useStyles();
  const [draft, setDraft] = useState<ReviewFilters>(props.filters);
  // The URL may change under the form (back button, a link).
  useEffect(() => setDraft(props.filters), [props.filters]);
  const set =
    (key: keyof ReviewFilters) => (e: { target: { value: unknown } }) =>
      setDraft({ ...draft, [key]: (e.target.value as string) || undefined });

  return (
    <form
      className={classes.form}
      role="search"
      aria-label="Filter bindings"
      data-testid="irsa-review-filters"
      onSubmit={e => {
        e.preventDefault();
        props.onChange(draft);
      }}
    >
      <TextField
        id="irsa-filter-owner"
        label="Owner"
        helperText="e.g. group:default/team-payments, or none"
        className={classes.text}
        value={draft.owner ?? ''}
        onChange={set('owner')}
        inputProps={{ 'data-testid': 'irsa-filter-owner' }}
      />
      <TextField
        id="irsa-filter-cluster"
        label="Cluster"
        className={classes.text}
        value={draft.cluster ?? ''}
        onChange={set('cluster')}
        inputProps={{ 'data-testid': 'irsa-filter-cluster' }}
      />
      <TextField
        id="irsa-filter-namespace"
        label="Namespace"
        className={classes.text}
        value={draft.namespace ?? ''}
        onChange={set('namespace')}
        inputProps={{ 'data-testid': 'irsa-filter-namespace' }}
      />
      <TextField
        id="irsa-filter-severity"
        select
        label="Severity"
        helperText="this severe or more"
        className={classes.select}
        value={draft.severity ?? ''}
        onChange={set('severity')}
        SelectProps={{
          SelectDisplayProps: {
            'data-testid': 'irsa-filter-severity',
          } as object,
        }}
      >
        <MenuItem value="">Any</MenuItem>
        {SEVERITIES.map(s => (
          <MenuItem key={s} value={s}>
            {s}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        id="irsa-filter-code"
        select
        label="Finding code"
        className={classes.select}
        value={draft.code ?? ''}
        onChange={set('code')}
        SelectProps={{
          SelectDisplayProps: { 'data-testid': 'irsa-filter-code' } as object,
        }}
      >
        <MenuItem value="">Any</MenuItem>
        {FINDING_CODES.map(c => (
          <MenuItem key={c} value={c}>
            {c}
          </MenuItem>
        ))}
      </TextField>
      <Box display="flex" style={{ gap: 8 }}>
        <Button
          type="submit"
          variant="contained"
          color="primary"
          data-testid="irsa-filter-apply"
        >
          Apply filters
        </Button>
        <Button
          onClick={() => props.onChange({})}
          data-testid="irsa-filter-clear"
        >
          Clear
        </Button>
      </Box>
    </form>
  );
};
