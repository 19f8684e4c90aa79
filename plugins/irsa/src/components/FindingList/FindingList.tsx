import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { Finding } from '@irsa-backstage/plugin-irsa-common';
import { SeverityChip } from '../SeverityChip';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  row: {
    display: 'flex',
    gap: theme.spacing(1.5),
    alignItems: 'flex-start',
    padding: theme.spacing(1, 0),
    '& + &': { borderTop: `1px solid ${theme.palette.divider}` },
  },
  body: { minWidth: 0, flex: 1 },
  code: {
    fontFamily: 'monospace',
    fontSize: '0.75rem',
    padding: theme.spacing(0.25, 0.75),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.action.hover,
    marginRight: theme.spacing(1),
  },
  context: { color: theme.palette.text.secondary, fontSize: '0.75rem' },
  message: { overflowWrap: 'anywhere' },
  hint: { overflowWrap: 'anywhere', marginTop: theme.spacing(0.5) },
}));

/** Where in the binding a finding points: statement, policy or pod. */
function findingContext(finding: Finding): string | undefined {
  const parts: string[] = [];
  if (finding.policyName ?? finding.policyArn) {
    parts.push(`policy ${finding.policyName ?? finding.policyArn}`);
  }
  if (finding.statementIndex !== undefined) {
    parts.push(`statement ${finding.statementIndex}`);
  }
  if (finding.podName) {
    parts.push(`pod ${finding.podName}`);
  }
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** One finding: severity, code, what is wrong and what to do about it. */
export const FindingRow = ({ finding }: { finding: Finding }) => {
  const classes = useStyles();
  const context = findingContext(finding);
  return (
    <li className={classes.row} data-testid={`irsa-finding-${finding.code}`}>
      <SeverityChip severity={finding.severity} />
      <div className={classes.body}>
        <Typography variant="body2" className={classes.message}>
          <span className={classes.code}>{finding.code}</span>
          {finding.message}
        </Typography>
        {finding.hint && (
          <Typography variant="body2" className={classes.hint}>
            <strong>Fix: </strong>
            {finding.hint}
          </Typography>
        )}
        {context && <span className={classes.context}>{context}</span>}
      </div>
    </li>
  );
};

/** The findings of a binding, in the order given (the backend sorts them by severity). */
export const FindingList = ({ findings }: { findings: Finding[] }) => {
  const classes = useStyles();
  if (findings.length === 0) {
    return (
      <Box py={1}>
        <Typography variant="body2" color="textSecondary">
          No findings.
        </Typography>
      </Box>
    );
  }
  return (
    <ul className={classes.list} aria-label="Findings">
      {findings.map((finding, i) => (
        <FindingRow key={`${finding.code}-${i}`} finding={finding} />
      ))}
    </ul>
  );
};
