import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import {
  highestSeverity,
  serviceAccountSubject,
} from '@irsa-backstage/plugin-irsa-common';
import type { EntityBinding } from '../../api';
import { SeverityChip } from '../SeverityChip';
import { readableOn } from '../contrast';

/** The three answers to "can the pods assume this role?". */
export type VerdictState = 'allowed' | 'denied' | 'unchecked';

/** Headline of each verdict; the e2e tests match on their beginning. */
export const VERDICT_TEXT: Record<VerdictState, string> = {
  allowed: 'Pods can assume this role',
  denied: 'Pods cannot assume this role',
  unchecked: 'Not checked',
};

/** Which of the three answers a binding gets. */
export function verdictState(binding: EntityBinding): VerdictState {
  if (!binding.verdict) return 'unchecked';
  return binding.verdict.allowed ? 'allowed' : 'denied';
}

/** One sentence on why the verdict is what it is. */
function verdictDetail(binding: EntityBinding, state: VerdictState): string {
  const { namespace, name } = binding.serviceAccount;
  const subject = serviceAccountSubject(namespace, name);
  switch (state) {
    case 'allowed': {
      const statements = binding.verdict?.matchedStatements ?? [];
      const which =
        statements.length > 0
          ? ` (trust policy statement ${statements.join(', ')})`
          : '';
      return `STS accepts the web-identity token of ${subject}${which}.`;
    }
    case 'denied':
      return `STS refuses AssumeRoleWithWebIdentity for ${subject} (AccessDenied). The findings below say why and how to fix it.`;
    default:
      if (binding.findings.some(f => f.code === 'SA_ANNOTATION_KEY_TYPO')) {
        return "The role annotation's key is misspelt, so the EKS webhook ignores it and the pods get no AWS credentials from it.";
      }
      if (!binding.roleArn) {
        return 'The service account has no eks.amazonaws.com/role-arn annotation, so there is no role to check.';
      }
      if (binding.error) {
        return `The role could not be read: ${binding.error}`;
      }
      if (binding.findings.some(f => f.code === 'SA_ROLE_NOT_FOUND')) {
        return 'The annotated role does not exist, so its trust policy cannot be checked.';
      }
      if (binding.findings.some(f => f.code === 'SA_ANNOTATION_INVALID')) {
        return 'The role-arn annotation is not a valid IAM role ARN.';
      }
      return "The role's trust policy was not read.";
  }
}

const useStyles = makeStyles<Theme, { state: VerdictState }>(theme => {
  const colorOf = (state: VerdictState) => {
    if (state === 'allowed') return theme.palette.success.main;
    if (state === 'denied') return theme.palette.error.main;
    return theme.palette.grey[500];
  };
  return {
    banner: ({ state }) => ({
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      justifyContent: 'space-between',
      gap: theme.spacing(1),
      padding: theme.spacing(1.5, 2),
      borderLeft: `6px solid ${colorOf(state)}`,
      borderRadius: theme.shape.borderRadius,
      backgroundColor: theme.palette.action.hover,
    }),
    headline: ({ state }) => ({
      // the banner's background is action.hover over the card's paper
      color:
        state === 'unchecked'
          ? theme.palette.text.primary
          : readableOn(colorOf(state), theme.palette.background.default),
      fontWeight: theme.typography.fontWeightBold as number,
    }),
    text: { minWidth: 0, flex: 1 },
    severity: {
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(1),
    },
  };
});

/**
 * The trust verdict of a binding, prominently: can the pods assume the role,
 * why (in one sentence), and the most severe finding's severity.
 */
export const VerdictBanner = ({ binding }: { binding: EntityBinding }) => {
  const state = verdictState(binding);
  const classes = useStyles({ state });
  const highest = highestSeverity(binding.findings);
  return (
    <div
      className={classes.banner}
      data-testid="irsa-verdict"
      data-verdict={state}
    >
      <div className={classes.text}>
        <Typography variant="h6" component="p" className={classes.headline}>
          {VERDICT_TEXT[state]}
        </Typography>
        <Typography variant="body2">{verdictDetail(binding, state)}</Typography>
      </div>
      <div className={classes.severity} data-testid="irsa-highest-severity">
        {highest ? (
          <>
            <Typography variant="caption">Highest severity</Typography>
            <SeverityChip severity={highest} />
          </>
        ) : (
          <Typography variant="caption">No findings</Typography>
        )}
      </div>
    </div>
  );
};
