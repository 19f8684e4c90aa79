import { FormEvent, useState } from 'react';
import { ResponseErrorPanel } from '@backstage/core-components';
import type { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import {
  irsaApiRef,
  type EntityBinding,
  type SimulationResult,
} from '../../api';

type Decision = SimulationResult['decision'];

const useStyles = makeStyles<Theme, { decision?: Decision }>(theme => {
  const colorOf = (decision?: Decision) => {
    if (decision === 'allowed') return theme.palette.success.main;
    if (decision === 'denied') return theme.palette.error.main;
    return theme.palette.grey[500];
  };
  return {
    form: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'flex-start',
      gap: theme.spacing(1.5),
    },
    action: { flex: '1 1 200px' },
    resource: { flex: '2 1 320px' },
    submit: { marginTop: theme.spacing(1) },
    result: ({ decision }) => ({
      marginTop: theme.spacing(1.5),
      padding: theme.spacing(1.5, 2),
      borderLeft: `6px solid ${colorOf(decision)}`,
      borderRadius: theme.shape.borderRadius,
      backgroundColor: theme.palette.action.hover,
    }),
    mono: { fontFamily: 'monospace', overflowWrap: 'anywhere' },
    list: { margin: theme.spacing(0.5, 0, 0), paddingLeft: theme.spacing(2.5) },
  };
});

/** The headline of each answer: allowed, denied (and how), or unknown. */
export function describeDecision(result: SimulationResult): string {
  switch (result.reason) {
    case 'allowed':
      return 'Allowed';
    case 'explicit-deny':
      return 'Denied: an explicit Deny applies';
    case 'implicit-deny':
      return 'Denied (implicitly): no statement allows it';
    case 'boundary':
      return 'Denied: the permissions boundary does not allow it';
    default:
      return 'Unknown: it depends on conditions the request does not tell';
  }
}

function statementName(s: SimulationResult['deciding'][number]): string {
  const policy = s.policy.name ?? s.policy.arn ?? 'policy';
  return `${s.effect}: ${s.policy.kind} policy ${policy}, statement ${
    s.statementIndex
  }${s.sid ? ` (${s.sid})` : ''}`;
}

const Answer = ({ result }: { result: SimulationResult }) => {
  const classes = useStyles({ decision: result.decision });
  return (
    <div
      className={classes.result}
      role="status"
      data-testid="irsa-can-it-result"
      data-decision={result.decision}
      data-reason={result.reason}
    >
      <Typography variant="h6" component="p">
        {describeDecision(result)}
      </Typography>
      <Typography variant="body2">{result.explanation}</Typography>
      {result.deciding.length > 0 && (
        <ul className={classes.list} data-testid="irsa-can-it-deciding">
          {result.deciding.map((s, i) => (
            <li key={i}>
              <Typography variant="body2" component="span">
                {statementName(s)}
                {s.missingContextKeys?.length
                  ? ` (needs ${s.missingContextKeys.join(', ')})`
                  : ''}
              </Typography>
            </li>
          ))}
        </ul>
      )}
      {result.missingContextKeys && result.missingContextKeys.length > 0 && (
        <Typography
          variant="body2"
          data-testid="irsa-can-it-unknown-conditions"
        >
          Unknown conditions: the answer depends on{' '}
          <span className={classes.mono}>
            {result.missingContextKeys.join(', ')}
          </span>
          , which only the actual call carries.
        </Typography>
      )}
    </div>
  );
};

/**
 * How the request names the binding: by its service account (and the role its
 * annotation names), or, when no annotation names the role (found through
 * the trust policy or a tag), by the role alone, which the backend would
 * otherwise refuse as not the annotation's.
 */
function bindingOf(binding: EntityBinding) {
  const { cluster, namespace, name } = binding.serviceAccount;
  if (binding.source !== 'annotation' && binding.roleArn) {
    return { roleArn: binding.roleArn };
  }
  return {
    cluster,
    namespace,
    serviceAccount: name,
    ...(binding.roleArn ? { roleArn: binding.roleArn } : {}),
  };
}

/** The backend's 400 names each wrong field; other errors show as they are. */
function isBadRequest(error: Error): boolean {
  return (
    error.name === 'ResponseError' &&
    (error as ResponseError).statusCode === 400
  );
}

/**
 * "Can it …?": asks the backend whether this binding's role may perform an
 * action on a resource (`POST /simulate`), and shows the decision with the
 * statements that decided it.
 */
export const CanItForm = (props: { binding: EntityBinding }) => {
  const { binding } = props;
  const { cluster, namespace, name } = binding.serviceAccount;
  const irsaApi = useApi(irsaApiRef);
  const classes = useStyles({});
  const [action, setAction] = useState('');
  const [resource, setResource] = useState('*');
  const idPrefix = `irsa-can-it-${cluster}-${namespace}-${name}`;
  const [state, ask] = useAsyncFn(
    () =>
      irsaApi.simulate({
        ...bindingOf(binding),
        ...(binding.entityRef ? { entityRef: binding.entityRef } : {}),
        action: action.trim(),
        resource: resource.trim(),
      }),
    [irsaApi, binding, action, resource],
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    ask();
  };
  return (
    <Box data-testid="irsa-can-it">
      <Typography variant="subtitle1" component="h4" id={`${idPrefix}-title`}>
        Can it …?
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        Ask whether the role may perform one action on one resource, from its
        managed and inline policies and its permissions boundary.
      </Typography>
      <form
        className={classes.form}
        onSubmit={submit}
        aria-labelledby={`${idPrefix}-title`}
      >
        <TextField
          id={`${idPrefix}-action`}
          className={classes.action}
          label="Action"
          placeholder="s3:GetObject"
          helperText="service:Action, no wildcards"
          value={action}
          onChange={e => setAction(e.target.value)}
          required
          size="small"
          variant="outlined"
          inputProps={{ 'data-testid': 'irsa-can-it-action' }}
        />
        <TextField
          id={`${idPrefix}-resource`}
          className={classes.resource}
          label="Resource"
          placeholder="arn:aws:s3:::bucket/key"
          helperText='One resource ARN, or "*"'
          value={resource}
          onChange={e => setResource(e.target.value)}
          required
          size="small"
          variant="outlined"
          inputProps={{ 'data-testid': 'irsa-can-it-resource' }}
        />
        <Button
          type="submit"
          variant="contained"
          color="primary"
          className={classes.submit}
          disabled={state.loading || !action.trim() || !resource.trim()}
          data-testid="irsa-can-it-submit"
        >
          {state.loading ? 'Checking…' : 'Check'}
        </Button>
      </form>
      {state.error && (
        <Box mt={1.5} data-testid="irsa-can-it-error">
          <ResponseErrorPanel
            error={state.error}
            title={
              isBadRequest(state.error)
                ? 'The question is not valid'
                : 'Could not ask the backend'
            }
          />
        </Box>
      )}
      {!state.error && state.value && <Answer result={state.value} />}
    </Box>
  );
};
