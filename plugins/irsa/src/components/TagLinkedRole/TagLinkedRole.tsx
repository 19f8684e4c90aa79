import { Link } from '@backstage/core-components';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import CardHeader from '@material-ui/core/CardHeader';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { EntityBinding } from '../../api';
import { RoleArnLink } from '../RoleArnLink';

/** The example template that creates a role and its service account (examples/templates/irsa-role). */
export const PROVISION_TEMPLATE_PATH = '/create/templates/default/irsa-role';

const useStyles = makeStyles(theme => ({
  card: { marginBottom: theme.spacing(2) },
  arn: { fontFamily: 'monospace', overflowWrap: 'anywhere' },
}));

/** A binding found through the role's tag whose service account does not exist (yet). */
export function isUnusedTagLinkedRole(binding: EntityBinding): boolean {
  return binding.source === 'tag' && binding.serviceAccountExists === false;
}

/** A value of the binding's service account worth prefilling (not empty, not a wildcard). */
const usable = (value: string | undefined) =>
  value && !/[*?]/.test(value) ? value : undefined;

/**
 * The scaffolder template's URL, its form prefilled (`?formData=`, JSON)
 * with the component and whatever the binding knows of the service account.
 */
export function provisionServiceAccountUrl(
  entityRef: string,
  serviceAccount?: EntityBinding['serviceAccount'],
): string {
  const formData = {
    component: entityRef,
    ...(usable(serviceAccount?.cluster)
      ? { cluster: serviceAccount!.cluster }
      : {}),
    ...(usable(serviceAccount?.namespace)
      ? { namespace: serviceAccount!.namespace }
      : {}),
    ...(usable(serviceAccount?.name)
      ? { serviceAccount: serviceAccount!.name }
      : {}),
  };
  return `${PROVISION_TEMPLATE_PATH}?formData=${encodeURIComponent(
    JSON.stringify(formData),
  )}`;
}

/**
 * A role tagged `backstage.io/entity-ref` for this entity that no service
 * account uses yet, with a link to the template that provisions one.
 */
export const TagLinkedRole = (props: {
  binding: EntityBinding;
  entityRef: string;
}) => {
  const { binding, entityRef } = props;
  const classes = useStyles();
  const roleName = binding.role?.name ?? binding.roleArn?.split('/').pop();
  return (
    <Card
      variant="outlined"
      className={classes.card}
      component="section"
      aria-label={`Role ${roleName ?? ''} linked by tag`}
      data-testid={`irsa-tag-role-${roleName ?? 'unknown'}`}
    >
      <CardHeader
        title={
          <Typography variant="h6" component="h4">
            Role linked by tag, no service account uses it yet
          </Typography>
        }
        subheader={
          binding.roleArn ? (
            <RoleArnLink roleArn={binding.roleArn} className={classes.arn} />
          ) : undefined
        }
      />
      <CardContent>
        <Typography variant="body2" paragraph>
          The role&apos;s <code>backstage.io/entity-ref</code> tag names this
          component, but no service account in the watched clusters names the
          role in its <code>eks.amazonaws.com/role-arn</code> annotation.
        </Typography>
        <Link
          to={provisionServiceAccountUrl(entityRef, binding.serviceAccount)}
          data-testid="irsa-provision-service-account"
        >
          Provision service account
        </Link>
      </CardContent>
    </Card>
  );
};
