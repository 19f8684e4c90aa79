import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { BindingPod, Finding } from '@irsa-backstage/plugin-irsa-common';
import { MatchMark } from '../TrustExplanation';

const useStyles = makeStyles(theme => ({
  table: { '& td, & th': { verticalAlign: 'top' } },
  mono: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    overflowWrap: 'anywhere',
  },
  status: { display: 'flex', gap: theme.spacing(1) },
  code: {
    fontFamily: 'monospace',
    fontSize: '0.75rem',
    padding: theme.spacing(0.25, 0.75),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.action.hover,
    marginRight: theme.spacing(0.5),
  },
}));

/** Whether the webhook injected a pod, and with which role. */
export function describePod(pod: BindingPod, roleArn?: string): string {
  if (!pod.injectedRoleArn) {
    return 'not injected: no AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE';
  }
  if (roleArn && pod.injectedRoleArn !== roleArn) {
    return `injected with another role (${pod.injectedRoleArn}): restart needed`;
  }
  return 'injected';
}

/** The pod findings (not injected, stale role, static keys) about one pod. */
function podFindingCodes(findings: Finding[], pod: string): string[] {
  return [...new Set(findings.filter(f => f.podName === pod).map(f => f.code))];
}

/**
 * The pods that run as the service account: the role ARN and web-identity
 * token the webhook injected, compared with the annotation, and the pod
 * findings (POD_NOT_INJECTED, POD_ROLE_STALE, POD_STATIC_CREDENTIALS).
 */
export const PodList = (props: {
  pods: BindingPod[];
  roleArn?: string;
  findings?: Finding[];
}) => {
  const { pods, roleArn, findings = [] } = props;
  const classes = useStyles();
  return (
    <div data-testid="irsa-pods">
      <Typography variant="subtitle1" component="h4">
        Pods running as this service account
      </Typography>
      {pods.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No pods run as this service account right now.
        </Typography>
      ) : (
        <Table
          size="small"
          className={classes.table}
          aria-label="Pod injection status"
        >
          <TableHead>
            <TableRow>
              <TableCell component="th" scope="col">
                Pod
              </TableCell>
              <TableCell component="th" scope="col">
                Injected role (AWS_ROLE_ARN)
              </TableCell>
              <TableCell component="th" scope="col">
                Web-identity token
              </TableCell>
              <TableCell component="th" scope="col">
                Status
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {pods.map(pod => {
              const ok =
                !!pod.injectedRoleArn &&
                (!roleArn || pod.injectedRoleArn === roleArn);
              const codes = podFindingCodes(findings, pod.name);
              return (
                <TableRow
                  key={pod.name}
                  data-testid={`irsa-pod-${pod.name}`}
                  data-injected={!!pod.injectedRoleArn}
                  data-stale={
                    !!pod.injectedRoleArn &&
                    !!roleArn &&
                    pod.injectedRoleArn !== roleArn
                  }
                >
                  <TableCell className={classes.mono}>{pod.name}</TableCell>
                  <TableCell className={classes.mono}>
                    {pod.injectedRoleArn ?? <em>none</em>}
                  </TableCell>
                  <TableCell>
                    {pod.injectedRoleArn
                      ? 'mounted (AWS_WEB_IDENTITY_TOKEN_FILE)'
                      : 'missing'}
                  </TableCell>
                  <TableCell>
                    <Typography
                      variant="body2"
                      component="span"
                      className={classes.status}
                    >
                      <MatchMark outcome={ok ? 'matched' : 'not-matched'} />
                      <span>
                        {pod.name}: {describePod(pod, roleArn)}
                      </span>
                    </Typography>
                    {codes.map(code => (
                      <span
                        key={code}
                        className={classes.code}
                        data-testid={`irsa-pod-finding-${code}`}
                      >
                        {code}
                      </span>
                    ))}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </div>
  );
};
