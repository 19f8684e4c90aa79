import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  decodePolicyText,
  type AnalyzeTrustResult,
  type ConditionExplanation,
  type PolicyDocument,
  type StatementExplanation,
  type TrustRequest,
} from '@irsa-backstage/plugin-irsa-common';
import { CodeBlock } from '../CodeBlock';

const useStyles = makeStyles(theme => ({
  details: { display: 'block' },
  mono: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    overflowWrap: 'anywhere',
  },
  yes: { color: theme.palette.success.main, fontWeight: 'bold' },
  no: { color: theme.palette.error.main, fontWeight: 'bold' },
  unknown: { color: theme.palette.text.secondary, fontWeight: 'bold' },
  statement: { marginBottom: theme.spacing(2) },
  table: { tableLayout: 'fixed', '& td, & th': { verticalAlign: 'top' } },
  element: { width: '22%' },
  match: { width: 80 },
}));

type Outcome = ConditionExplanation['outcome'];

/** ✓ / ✗ / ? with an accessible label. */
export const MatchMark = ({ outcome }: { outcome: Outcome }) => {
  const classes = useStyles();
  if (outcome === 'matched') {
    return (
      <span className={classes.yes} aria-label="matched" title="matched">
        ✓
      </span>
    );
  }
  if (outcome === 'not-matched') {
    return (
      <span className={classes.no} aria-label="not matched" title="not matched">
        ✗
      </span>
    );
  }
  return (
    <span
      className={classes.unknown}
      aria-label="unknown"
      title="depends on the actual call; assumed satisfied for Allow, not for Deny"
    >
      ?
    </span>
  );
};

const outcomeOf = (matched: boolean): Outcome =>
  matched ? 'matched' : 'not-matched';

const Values = ({ values }: { values: string[] | undefined }) => {
  const classes = useStyles();
  if (!values || values.length === 0) {
    return <em>absent from the request</em>;
  }
  return (
    <span className={classes.mono}>
      {values.map((v, i) => (
        <div key={i}>{v}</div>
      ))}
    </span>
  );
};

/** The web-identity request STS evaluates for this service account. */
const RequestSummary = ({ request }: { request: TrustRequest }) => {
  const classes = useStyles();
  return (
    <Box mb={2} data-testid="irsa-trust-request">
      <Typography variant="subtitle2">The request STS evaluates</Typography>
      <Table size="small" className={classes.table}>
        <TableBody>
          <TableRow>
            <TableCell className={classes.element}>
              Principal (Federated)
            </TableCell>
            <TableCell className={classes.mono}>{request.principal}</TableCell>
          </TableRow>
          <TableRow>
            <TableCell className={classes.element}>Action</TableCell>
            <TableCell className={classes.mono}>{request.action}</TableCell>
          </TableRow>
          <TableRow>
            <TableCell className={classes.element}>
              {request.subjectKey}
            </TableCell>
            <TableCell className={classes.mono}>{request.subject}</TableCell>
          </TableRow>
          <TableRow>
            <TableCell className={classes.element}>
              {request.audienceKey}
            </TableCell>
            <TableCell className={classes.mono}>{request.audience}</TableCell>
          </TableRow>
        </TableBody>
      </Table>
    </Box>
  );
};

/** How one trust policy statement fared: principal, action, each condition. */
/** "Statement 0 (AllowPayments)": how the trust views name a statement. */
export function statementLabel(statement: StatementExplanation): string {
  return `Statement ${statement.index}${
    statement.sid ? ` (${statement.sid})` : ''
  }`;
}

export const StatementTable = ({
  statement,
}: {
  statement: StatementExplanation;
}) => {
  const classes = useStyles();
  const name = statementLabel(statement);
  return (
    <div
      className={classes.statement}
      data-testid={`irsa-statement-${statement.index}`}
    >
      <Typography variant="subtitle2">
        {name}: {statement.effect},{' '}
        {statement.applies
          ? 'applies to this request'
          : 'does not apply to this request'}
      </Typography>
      <Table size="small" className={classes.table} aria-label={name}>
        <TableHead>
          <TableRow>
            <TableCell className={classes.element}>Element</TableCell>
            <TableCell>Policy expects</TableCell>
            <TableCell>This request has</TableCell>
            <TableCell className={classes.match}>Matched</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          <TableRow data-testid="irsa-explanation-principal">
            <TableCell className={classes.element}>
              {statement.principal.element}
            </TableCell>
            <TableCell>
              <Values values={statement.principal.expected} />
            </TableCell>
            <TableCell className={classes.mono}>
              {statement.principal.actual}
            </TableCell>
            <TableCell>
              <MatchMark outcome={outcomeOf(statement.principal.matched)} />
            </TableCell>
          </TableRow>
          <TableRow data-testid="irsa-explanation-action">
            <TableCell className={classes.element}>
              {statement.action.element}
            </TableCell>
            <TableCell>
              <Values values={statement.action.expected} />
            </TableCell>
            <TableCell className={classes.mono}>
              {statement.action.actual}
            </TableCell>
            <TableCell>
              <MatchMark outcome={outcomeOf(statement.action.matched)} />
            </TableCell>
          </TableRow>
          {statement.conditions.map((condition, i) => (
            <TableRow key={i} data-testid="irsa-explanation-condition">
              <TableCell className={classes.element}>
                <div>Condition {condition.operator}</div>
                <div className={classes.mono}>{condition.key}</div>
              </TableCell>
              <TableCell>
                <Values values={condition.expected} />
              </TableCell>
              <TableCell>
                {condition.outcome === 'unknown' && !condition.actual ? (
                  <em>decided by the actual call</em>
                ) : (
                  <Values values={condition.actual} />
                )}
              </TableCell>
              <TableCell>
                <MatchMark outcome={condition.outcome} />
              </TableCell>
            </TableRow>
          ))}
          {statement.conditions.length === 0 && (
            <TableRow>
              <TableCell className={classes.element}>Condition</TableCell>
              <TableCell colSpan={3}>
                <em>none: any token from the principal passes</em>
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </div>
  );
};

/** The trust policy as readable JSON, whatever form IAM returned it in. */
export function formatPolicy(policy: string | PolicyDocument): string {
  if (typeof policy !== 'string') {
    return JSON.stringify(policy, null, 2);
  }
  try {
    const text = decodePolicyText(policy);
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  } catch {
    return policy;
  }
}

/**
 * "Why": the per-statement explanation of the trust verdict, expanded by
 * default when the pods cannot assume the role.
 */
export const TrustExplanation = (props: {
  verdict: AnalyzeTrustResult;
  trustPolicy?: string | PolicyDocument;
  /** Open the detail of a denied verdict at once (default); a long list keeps it closed. */
  openWhenDenied?: boolean;
}) => {
  const { verdict, trustPolicy, openWhenDenied = true } = props;
  const classes = useStyles();
  const statements = verdict.statements;
  return (
    <Accordion
      defaultExpanded={openWhenDenied && !verdict.allowed}
      // the detail of a collapsed card is drawn when opened: a tab of 50 cards stays fast
      TransitionProps={{ unmountOnExit: true }}
      variant="outlined"
      data-testid="irsa-why"
    >
      <AccordionSummary expandIcon={<span aria-hidden>▾</span>}>
        <Typography variant="subtitle1">
          Why: how each trust policy statement matched
        </Typography>
      </AccordionSummary>
      <AccordionDetails className={classes.details}>
        {verdict.request && <RequestSummary request={verdict.request} />}
        {statements && statements.length > 0 ? (
          statements.map(statement => (
            <StatementTable key={statement.index} statement={statement} />
          ))
        ) : (
          <Typography variant="body2" color="textSecondary">
            {statements
              ? 'The trust policy has no statements.'
              : 'No per-statement explanation was computed for this verdict.'}
          </Typography>
        )}
        <Typography variant="body2" color="textSecondary" paragraph>
          An Allow statement applies only when its principal, its action and
          every condition match; a matching Deny statement always wins.
        </Typography>
        {trustPolicy !== undefined && (
          <Box data-testid="irsa-current-trust-policy">
            <Typography variant="subtitle2">Current trust policy</Typography>
            <CodeBlock
              label="Current trust policy"
              text={formatPolicy(trustPolicy)}
            />
          </Box>
        )}
      </AccordionDetails>
    </Accordion>
  );
};
