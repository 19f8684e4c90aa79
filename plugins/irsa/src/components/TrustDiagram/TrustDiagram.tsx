import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import type {
  AnalyzeTrustResult,
  ConditionExplanation,
  StatementExplanation,
  TrustRequest,
} from '@irsa-backstage/plugin-irsa-common';
import { MatchMark, statementLabel } from '../TrustExplanation';

type Outcome = ConditionExplanation['outcome'];

const useStyles = makeStyles<Theme>(theme => ({
  flow: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'stretch',
    gap: theme.spacing(1),
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  step: { display: 'flex', alignItems: 'center', gap: theme.spacing(1) },
  arrow: {
    color: theme.palette.text.secondary,
    fontSize: '1.25rem',
    fontWeight: 'bold',
  },
  node: {
    border: `1px solid ${theme.palette.divider}`,
    borderLeftWidth: 4,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(0.75, 1.25),
    minWidth: 180,
    maxWidth: 420,
    backgroundColor: theme.palette.background.paper,
  },
  matched: { borderLeftColor: theme.palette.success.main },
  'not-matched': { borderLeftColor: theme.palette.error.main },
  unknown: { borderLeftColor: theme.palette.grey[500] },
  label: {
    display: 'flex',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    fontWeight: theme.typography.fontWeightBold as number,
  },
  mono: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    overflowWrap: 'anywhere',
  },
  statement: { marginBottom: theme.spacing(2) },
}));

const outcomeOf = (matched: boolean): Outcome =>
  matched ? 'matched' : 'not-matched';

/** One box of the diagram: what is compared, its ✓ / ✗, expected and actual. */
const Node = (props: {
  title: string;
  outcome: Outcome;
  expected: string[];
  actual?: string[];
  testId: string;
  actualLabel?: string;
  /** The full text of a shortened title. */
  tooltip?: string;
}) => {
  const { title, outcome, expected, actual, testId } = props;
  const classes = useStyles();
  return (
    <div
      className={`${classes.node} ${classes[outcome]}`}
      data-testid={testId}
      data-outcome={outcome}
      title={props.tooltip}
    >
      <Typography variant="body2" component="div" className={classes.label}>
        <span className={classes.mono}>{title}</span>
        <MatchMark outcome={outcome} />
      </Typography>
      <Typography variant="caption" component="div" color="textSecondary">
        expects
      </Typography>
      <Typography variant="body2" component="div" className={classes.mono}>
        {expected.length > 0 ? expected.join(' or ') : 'anything'}
      </Typography>
      <Typography variant="caption" component="div" color="textSecondary">
        {props.actualLabel ?? 'the token carries'}
      </Typography>
      <Typography variant="body2" component="div" className={classes.mono}>
        {actual && actual.length > 0 ? (
          actual.join(', ')
        ) : (
          <em>
            {outcome === 'unknown' ? 'decided by the actual call' : 'nothing'}
          </em>
        )}
      </Typography>
    </div>
  );
};

/**
 * "StringEquals …:sub": the issuer prefix of this cluster's `sub` / `aud`
 * keys is long and the same on every node (the full key is the node's
 * tooltip and is in the table below).
 */
function conditionTitle(condition: ConditionExplanation): string {
  const short =
    condition.keyKind === 'subject' || condition.keyKind === 'audience'
      ? `…${condition.key.slice(condition.key.lastIndexOf(':'))}`
      : condition.key;
  return `${condition.operator} ${short}`;
}

/** principal → action → each condition, as one row of boxes. */
const StatementFlow = (props: { statement: StatementExplanation }) => {
  const { statement } = props;
  const classes = useStyles();
  const nodes = [
    <Node
      key="principal"
      testId="irsa-trust-node-principal"
      title={statement.principal.element}
      outcome={outcomeOf(statement.principal.matched)}
      expected={statement.principal.expected}
      actual={[statement.principal.actual]}
      actualLabel="this cluster's provider"
    />,
    <Node
      key="action"
      testId="irsa-trust-node-action"
      title={statement.action.element}
      outcome={outcomeOf(statement.action.matched)}
      expected={statement.action.expected}
      actual={[statement.action.actual]}
      actualLabel="the request"
    />,
    ...statement.conditions.map((condition, i) => (
      <Node
        key={`condition-${i}`}
        testId="irsa-trust-node-condition"
        title={conditionTitle(condition)}
        tooltip={`${condition.operator} ${condition.key}`}
        outcome={condition.outcome}
        expected={condition.expected}
        actual={condition.actual}
      />
    )),
  ];
  const name = statementLabel(statement);
  return (
    <div
      className={classes.statement}
      data-testid={`irsa-trust-diagram-statement-${statement.index}`}
      data-applies={statement.applies}
    >
      <Typography variant="body2" gutterBottom>
        <strong>{name}</strong>: {statement.effect},{' '}
        {statement.applies ? 'applies' : 'does not apply'} to this service
        account
        {statement.conditions.length === 0 &&
          ' (no conditions: any token of the provider)'}
      </Typography>
      <ol className={classes.flow} aria-label={`${name}, step by step`}>
        {nodes.map((node, i) => (
          <li key={i} className={classes.step}>
            {i > 0 && (
              <span className={classes.arrow} aria-hidden>
                →
              </span>
            )}
            {node}
          </li>
        ))}
      </ol>
    </div>
  );
};

/** The token this service account presents: the values the conditions are compared with. */
const TokenSummary = ({ request }: { request: TrustRequest }) => {
  const classes = useStyles();
  return (
    <Typography
      variant="body2"
      color="textSecondary"
      paragraph
      data-testid="irsa-trust-token"
    >
      The service account&apos;s token carries{' '}
      <span className={classes.mono}>sub = {request.subject}</span> and{' '}
      <span className={classes.mono}>aud = {request.audience}</span>.
    </Typography>
  );
};

/**
 * The trust relationship drawn: for each trust policy statement, the
 * principal (the cluster's OIDC provider), the action and each condition,
 * with ✓ / ✗ against this service account's token. The table in
 * TrustExplanation is the detail.
 */
export const TrustDiagram = ({ verdict }: { verdict: AnalyzeTrustResult }) => {
  const statements = verdict.statements ?? [];
  return (
    <Box data-testid="irsa-trust-diagram">
      <Typography variant="subtitle1" component="h4">
        Trust relationship
      </Typography>
      {verdict.request && <TokenSummary request={verdict.request} />}
      {statements.length > 0 ? (
        statements.map(statement => (
          <StatementFlow key={statement.index} statement={statement} />
        ))
      ) : (
        <Typography variant="body2" color="textSecondary">
          No per-statement explanation was computed for this verdict.
        </Typography>
      )}
    </Box>
  );
};
