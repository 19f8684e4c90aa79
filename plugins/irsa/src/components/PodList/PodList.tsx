import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { BindingPod } from '@irsa-backstage/plugin-irsa-common';
import { MatchMark } from '../TrustExplanation';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    display: 'flex',
    gap: theme.spacing(1),
    overflowWrap: 'anywhere',
    padding: theme.spacing(0.25, 0),
  },
  mono: { fontFamily: 'monospace' },
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

/** The pods that run as the service account and whether they got the role. */
export const PodList = (props: { pods: BindingPod[]; roleArn?: string }) => {
  const { pods, roleArn } = props;
  const classes = useStyles();
  return (
    <div data-testid="irsa-pods">
      <Typography variant="subtitle2">
        Pods running as this service account
      </Typography>
      {pods.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No pods run as this service account right now.
        </Typography>
      ) : (
        <ul className={classes.list}>
          {pods.map(pod => {
            const ok =
              !!pod.injectedRoleArn &&
              (!roleArn || pod.injectedRoleArn === roleArn);
            return (
              <li
                key={pod.name}
                className={classes.item}
                data-testid={`irsa-pod-${pod.name}`}
              >
                <MatchMark outcome={ok ? 'matched' : 'not-matched'} />
                <Typography variant="body2" component="span">
                  <span className={classes.mono}>{pod.name}</span>:{' '}
                  {describePod(pod, roleArn)}
                </Typography>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
};
