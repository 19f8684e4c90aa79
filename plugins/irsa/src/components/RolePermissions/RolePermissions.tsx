import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  Finding,
  PermissionSummary,
  RoleDetails,
} from '@irsa-backstage/plugin-irsa-common';
import { ACCESS_LEVELS } from '../accessLevels';

const useStyles = makeStyles(theme => ({
  list: { margin: 0, paddingLeft: theme.spacing(2.5) },
  item: { overflowWrap: 'anywhere' },
  chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  mono: { fontFamily: 'monospace' },
}));

/** Up to this many services are named; more are counted (`*` has over 400). */
const MAX_NAMED_SERVICES = 5;

/** " on dynamodb, s3" or " in 430 services". */
function describeServices(services: string[]): string {
  if (services.length === 0) return '';
  if (services.length > MAX_NAMED_SERVICES) {
    return ` in ${services.length} services`;
  }
  return ` on ${services.join(', ')}`;
}

/** "93 Read, 38 Write actions on s3" from the summary's counts. */
export function describeGrants(summary: PermissionSummary): string {
  const counts = ACCESS_LEVELS.flatMap(level => {
    const n = summary.actionsByAccessLevel[level];
    return n ? [`${n} ${level}`] : [];
  });
  if (counts.length === 0) {
    return 'No actions granted.';
  }
  return `${counts.join(', ')} actions${describeServices(summary.services)}.`;
}

/**
 * What the role may do in AWS: its policies, boundary, the access levels it
 * grants and the permission findings (shown in full in the findings list).
 */
export const RolePermissions = (props: {
  role: RoleDetails;
  permissions?: { findings: Finding[]; summary?: PermissionSummary };
}) => {
  const { role, permissions } = props;
  const classes = useStyles();
  const findingCodes = [
    ...new Set((permissions?.findings ?? []).map(f => f.code)),
  ];
  return (
    <div data-testid="irsa-permissions">
      <Typography variant="subtitle1" component="h4">
        What the role may do
      </Typography>
      <ul className={classes.list}>
        <li className={classes.item}>
          <Typography variant="body2" component="span">
            Managed policies:{' '}
            {role.attachedPolicies.length > 0
              ? role.attachedPolicies
                  .map(p => p.name ?? p.arn.split('/').pop() ?? p.arn)
                  .join(', ')
              : 'none'}
          </Typography>
        </li>
        <li className={classes.item}>
          <Typography variant="body2" component="span">
            Inline policies:{' '}
            {role.inlinePolicies.length > 0
              ? role.inlinePolicies.map(p => p.name).join(', ')
              : 'none'}
          </Typography>
        </li>
        {role.permissionsBoundaryArn && (
          <li className={classes.item}>
            <Typography variant="body2" component="span">
              Permissions boundary:{' '}
              <span className={classes.mono}>
                {role.permissionsBoundaryArn}
              </span>
            </Typography>
          </li>
        )}
        {permissions?.summary && (
          <li className={classes.item}>
            <Typography
              variant="body2"
              component="span"
              data-testid="irsa-grants"
            >
              Grants {describeGrants(permissions.summary)}
            </Typography>
          </li>
        )}
        <li className={classes.item}>
          {findingCodes.length > 0 ? (
            <span className={classes.chips}>
              <Typography variant="body2" component="span">
                Risky permissions (see findings):
              </Typography>
              {findingCodes.map(code => (
                <Chip
                  key={code}
                  size="small"
                  label={code}
                  className={classes.mono}
                />
              ))}
            </span>
          ) : (
            <Typography variant="body2" component="span">
              {permissions
                ? 'No risky permissions found.'
                : 'Permissions were not analysed.'}
            </Typography>
          )}
        </li>
      </ul>
    </div>
  );
};
