import { WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import CardHeader from '@material-ui/core/CardHeader';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { EntityBinding } from '../../api';
import { CanItForm } from '../CanItForm';
import { FindingList } from '../FindingList';
import { PermissionsTable } from '../PermissionsTable';
import { PodList } from '../PodList';
import { RoleArnLink } from '../RoleArnLink';
import { RolePermissions } from '../RolePermissions';
import {
  collectSuggestions,
  SuggestedTrustPolicy,
} from '../SuggestedTrustPolicy';
import { TrustDiagram } from '../TrustDiagram';
import { TrustExplanation } from '../TrustExplanation';
import { VerdictBanner } from '../VerdictBanner';

const useStyles = makeStyles(theme => ({
  card: { marginBottom: theme.spacing(2) },
  title: { overflowWrap: 'anywhere' },
  arn: { fontFamily: 'monospace', overflowWrap: 'anywhere' },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(0.5),
  },
  section: { marginTop: theme.spacing(2) },
}));

const SOURCE_LABEL: Record<EntityBinding['source'], string> = {
  annotation: 'role from the eks.amazonaws.com/role-arn annotation',
  trust: 'found through the role’s trust policy (no annotation)',
  tag: 'role tagged for this entity',
  request: 'role given in the request, not (yet) the annotation',
};

/**
 * One service account and its IAM role: the verdict, the findings with their
 * fixes, the suggested trust policy, why the trust policy matched or not,
 * what the role may do and which pods run as it.
 */
export const BindingCard = ({
  binding,
  openWhenDenied = true,
}: {
  binding: EntityBinding;
  /** Whether a denied verdict's "Why" starts open (see TrustExplanation). */
  openWhenDenied?: boolean;
}) => {
  const classes = useStyles();
  const { cluster, namespace, name } = binding.serviceAccount;
  const suggestions = collectSuggestions(
    binding.verdict?.suggestedTrustPolicy,
    binding.findings,
  );
  return (
    <Card
      variant="outlined"
      className={classes.card}
      data-testid={`irsa-binding-${namespace}-${name}`}
      component="section"
      aria-label={`${cluster} / ${namespace} / ${name}`}
    >
      <CardHeader
        title={
          <Typography variant="h6" component="h3" className={classes.title}>
            {cluster} / {namespace} / {name}
          </Typography>
        }
        subheader={
          <>
            {binding.roleArn ? (
              <RoleArnLink roleArn={binding.roleArn} className={classes.arn} />
            ) : (
              <Typography
                variant="body2"
                className={classes.arn}
                data-testid="irsa-role-arn"
              >
                no role annotation
              </Typography>
            )}
            <div className={classes.chips}>
              <Chip
                size="small"
                variant="outlined"
                label={SOURCE_LABEL[binding.source]}
              />
              {binding.serviceAccountExists === false && (
                <Chip
                  size="small"
                  variant="outlined"
                  label="service account does not exist"
                />
              )}
            </div>
          </>
        }
      />
      <CardContent>
        <VerdictBanner binding={binding} />
        {binding.error && (
          <Box mt={2} data-testid="irsa-binding-error">
            <WarningPanel
              title="Part of this binding could not be read"
              message={binding.error}
            />
          </Box>
        )}
        <div className={classes.section}>
          <Typography variant="subtitle1">
            Findings ({binding.findings.length})
          </Typography>
          <FindingList findings={binding.findings} />
        </div>
        {suggestions.map(({ policy, fixes }, i) => (
          <SuggestedTrustPolicy
            key={i}
            policy={policy}
            fixes={fixes}
            roleArn={binding.roleArn}
          />
        ))}
        {binding.verdict && (
          <div className={classes.section}>
            <TrustDiagram verdict={binding.verdict} />
            <TrustExplanation
              verdict={binding.verdict}
              trustPolicy={binding.role?.trustPolicy}
              openWhenDenied={openWhenDenied}
            />
          </div>
        )}
        {binding.role && (
          <div className={classes.section}>
            <RolePermissions
              role={binding.role}
              permissions={binding.permissions}
            />
            {binding.permissions?.statements && (
              <PermissionsTable
                statements={binding.permissions.statements}
                idPrefix={`irsa-${cluster}-${namespace}-${name}`}
              />
            )}
          </div>
        )}
        {binding.role && (
          <div className={classes.section}>
            <CanItForm binding={binding} />
          </div>
        )}
        <div className={classes.section}>
          <PodList
            pods={binding.pods}
            roleArn={binding.roleArn}
            findings={binding.findings}
          />
        </div>
      </CardContent>
    </Card>
  );
};
