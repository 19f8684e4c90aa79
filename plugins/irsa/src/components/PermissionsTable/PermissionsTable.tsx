import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  FINDING_SEVERITIES,
  type PermissionStatement,
  type StatementActions,
} from '@irsa-backstage/plugin-irsa-common';
import { ACCESS_LEVELS } from '../accessLevels';
import { SeverityChip } from '../SeverityChip';

const useStyles = makeStyles(theme => ({
  table: {
    '& td, & th': { verticalAlign: 'top' },
    '& th': { whiteSpace: 'nowrap' },
  },
  policy: { minWidth: 160, overflowWrap: 'anywhere' },
  risky: {
    '& > td:first-child': {
      borderLeft: `4px solid ${theme.palette.error.main}`,
    },
  },
  mono: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    overflowWrap: 'anywhere',
  },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  expansion: {
    maxHeight: 240,
    overflowY: 'auto',
    margin: theme.spacing(0.5, 0, 0),
    paddingLeft: theme.spacing(2),
  },
  deny: { color: theme.palette.error.main, fontWeight: 'bold' },
}));

const POLICY_KIND_LABEL: Record<PermissionStatement['policy']['kind'], string> =
  {
    managed: 'managed',
    inline: 'inline',
    boundary: 'boundary',
  };

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * What a statement's actions come to, in a few words: "all 430 services",
 * "412 actions in 3 services", or the action itself when there is one.
 */
export function summarizeActions(granted: StatementActions): string {
  const actions = plural(granted.actionCount, 'action');
  if (granted.actionCount === 0) return 'no known action';
  if (granted.allServices) {
    return `${actions}: all ${plural(granted.serviceCount, 'service')}`;
  }
  if (granted.actionCount === 1 && granted.actions?.length === 1) {
    return granted.actions[0];
  }
  return `${actions} in ${plural(granted.serviceCount, 'service')}`;
}

/** "List 3 · Read 93 · Write 12" */
export function describeAccessLevels(granted: StatementActions): string {
  return ACCESS_LEVELS.flatMap(level => {
    const n = granted.actionsByAccessLevel[level];
    return n ? [`${level} ${n.toLocaleString('en-US')}`] : [];
  }).join(' · ');
}

/** The policy cell: kind and name (or ARN). */
function policyLabel(policy: PermissionStatement['policy']): string {
  return policy.name ?? policy.arn?.split('/').pop() ?? policy.arn ?? '';
}

/** The expandable list behind the summary: action names, or actions per service. */
const ActionExpansion = ({
  row,
  id,
}: {
  row: PermissionStatement;
  id: string;
}) => {
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const { granted } = row;
  if (granted.actionCount === 0) return null;
  const names = granted.actions;
  if (names && names.length <= 1) return null;
  const what = names
    ? plural(names.length, 'action')
    : plural(granted.serviceCount, 'service');
  return (
    <>
      <Button
        size="small"
        color="primary"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        data-testid="irsa-permission-expand"
      >
        {open ? `Hide the ${what}` : `Show the ${what}`}
      </Button>
      {open && (
        <ul
          id={id}
          // A scrolling list must be reachable by keyboard (WCAG 2.1.1, axe's
          // scrollable-region-focusable): a tab stop on a non-interactive element.
          // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
          tabIndex={0}
          aria-label={what}
          className={`${classes.expansion} ${classes.mono}`}
          data-testid="irsa-permission-expansion"
        >
          {names
            ? names.map(name => <li key={name}>{name}</li>)
            : granted.services.map(s => (
                <li key={s.service}>
                  {s.service}: {plural(s.actionCount, 'action')}
                </li>
              ))}
        </ul>
      )}
    </>
  );
};

const ActionsCell = ({ row, id }: { row: PermissionStatement; id: string }) => {
  const classes = useStyles();
  return (
    <>
      {row.actionElement === 'NotAction' && (
        <Typography variant="caption" component="div">
          every action except:
        </Typography>
      )}
      <ul className={classes.list}>
        {row.patterns.map(p => (
          <li key={p.pattern} className={classes.mono}>
            {p.pattern}{' '}
            <Typography variant="caption" color="textSecondary">
              (
              {p.actionCount === 0
                ? 'unknown'
                : plural(p.actionCount, 'action')}
              )
            </Typography>
          </li>
        ))}
      </ul>
      <Typography
        variant="body2"
        component="div"
        data-testid="irsa-permission-summary"
      >
        {row.actionElement === 'NotAction' ? 'grants ' : ''}
        {summarizeActions(row.granted)}
      </Typography>
      <Typography
        variant="caption"
        component="div"
        color="textSecondary"
        data-testid="irsa-permission-levels"
      >
        {describeAccessLevels(row.granted)}
      </Typography>
      <ActionExpansion row={row} id={id} />
    </>
  );
};

const ResourcesCell = ({ row }: { row: PermissionStatement }) => {
  const classes = useStyles();
  return (
    <>
      {row.resourceElement === 'NotResource' && (
        <Typography variant="caption" component="div">
          every resource except:
        </Typography>
      )}
      <ul className={classes.list}>
        {row.resources.map(r => (
          <li key={r} className={classes.mono}>
            {r === '*' ? '* (every resource)' : r}
          </li>
        ))}
      </ul>
    </>
  );
};

const ConditionsCell = ({ row }: { row: PermissionStatement }) => {
  const classes = useStyles();
  if (row.conditions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        none
      </Typography>
    );
  }
  return (
    <ul className={classes.list}>
      {row.conditions.map((c, i) => (
        <li key={i} className={classes.mono}>
          {c.operator} {c.key}: {c.values.join(' or ')}
        </li>
      ))}
    </ul>
  );
};

/**
 * What the role may do, statement by statement: the policy (managed, inline,
 * boundary), effect, actions with their access levels and expanded counts,
 * resources and conditions; risky rows carry their finding codes. Large
 * expansions are counted, and listed only on demand.
 */
export const PermissionsTable = (props: {
  statements: PermissionStatement[];
  /** Prefix of the expansion lists' ids, unique on the page. */
  idPrefix: string;
}) => {
  const { statements, idPrefix } = props;
  const classes = useStyles();
  if (statements.length === 0) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="irsa-permissions-table-empty"
      >
        The role has no permission policy statements: it may do nothing.
      </Typography>
    );
  }
  return (
    <Box overflow="auto">
      <Table
        size="small"
        className={classes.table}
        aria-label="Permission policy statements"
        data-testid="irsa-permissions-table"
      >
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">
              Policy
            </TableCell>
            <TableCell component="th" scope="col">
              Effect
            </TableCell>
            <TableCell component="th" scope="col">
              Actions
            </TableCell>
            <TableCell component="th" scope="col">
              Resources
            </TableCell>
            <TableCell component="th" scope="col">
              Conditions
            </TableCell>
            <TableCell component="th" scope="col">
              Findings
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {statements.map(row => {
            const key = `${row.policy.kind}-${policyLabel(row.policy)}-${
              row.statementIndex
            }`;
            const risky = row.findingCodes.length > 0;
            return (
              <TableRow
                key={key}
                className={risky ? classes.risky : undefined}
                data-testid="irsa-permission-row"
                data-policy-kind={row.policy.kind}
                data-policy={policyLabel(row.policy)}
                data-risky={risky}
              >
                <TableCell className={classes.policy}>
                  <Chip
                    size="small"
                    variant="outlined"
                    label={POLICY_KIND_LABEL[row.policy.kind]}
                  />
                  <Typography
                    variant="body2"
                    className={classes.mono}
                    title={row.policy.arn}
                  >
                    {policyLabel(row.policy)}
                  </Typography>
                  <Typography variant="caption" color="textSecondary">
                    statement {row.statementIndex}
                    {row.sid ? ` (${row.sid})` : ''}
                  </Typography>
                </TableCell>
                <TableCell>
                  <span
                    className={row.effect === 'Deny' ? classes.deny : undefined}
                  >
                    {row.effect}
                  </span>
                </TableCell>
                <TableCell>
                  <ActionsCell row={row} id={`${idPrefix}-${key}`} />
                </TableCell>
                <TableCell>
                  <ResourcesCell row={row} />
                </TableCell>
                <TableCell>
                  <ConditionsCell row={row} />
                </TableCell>
                <TableCell>
                  <div className={classes.chips}>
                    {row.findingCodes.map(code => (
                      <span
                        key={code}
                        className={classes.chips}
                        data-testid={`irsa-permission-finding-${code}`}
                      >
                        <SeverityChip severity={FINDING_SEVERITIES[code]} />
                        <span className={classes.mono}>{code}</span>
                      </span>
                    ))}
                  </div>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </Box>
  );
};
