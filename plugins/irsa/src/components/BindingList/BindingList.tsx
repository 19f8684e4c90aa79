import { EmptyState } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { EntityBinding } from '../../api';
import { BindingCard } from '../BindingCard';
import { CodeBlock } from '../CodeBlock';
import { isUnusedTagLinkedRole, TagLinkedRole } from '../TagLinkedRole';
import { verdictState } from '../VerdictBanner';
import {
  KUBERNETES_ID_ANNOTATION,
  SERVICE_ACCOUNTS_ANNOTATION,
} from '@irsa-backstage/plugin-irsa-common';

/**
 * Up to this many service accounts, a denied verdict's detail starts open; past it the cards
 * stay short (the verdict, findings and fix are shown either way) and the tab renders fast.
 */
const OPEN_DETAILS_UP_TO = 10;

/** The annotations that link an entity to its service accounts (in the order of docs/architecture.md). */
export { KUBERNETES_ID_ANNOTATION, SERVICE_ACCOUNTS_ANNOTATION };

const EXAMPLE_ANNOTATIONS = `metadata:
  annotations:
    # either name the service accounts: cluster/namespace/name, comma separated (cluster may be *)
    ${SERVICE_ACCOUNTS_ANNOTATION}: demo-east/payments/payments-api
    # or use the Kubernetes plugin's label: service accounts carrying it, and the
    # service accounts of pods carrying it
    ${KUBERNETES_ID_ANNOTATION}: payments-api`;

/** "3 service accounts: 1 can assume its role, 1 cannot, 1 not checked." */
export function summarizeBindings(bindings: EntityBinding[]): string {
  const counts = { allowed: 0, denied: 0, unchecked: 0 };
  for (const binding of bindings) counts[verdictState(binding)] += 1;
  const parts = [
    counts.allowed &&
      `${counts.allowed} can assume ${
        counts.allowed === 1 ? 'its' : 'their'
      } role`,
    counts.denied && `${counts.denied} cannot`,
    counts.unchecked && `${counts.unchecked} not checked`,
  ].filter(Boolean);
  const noun = bindings.length === 1 ? 'service account' : 'service accounts';
  return `${bindings.length} ${noun}: ${parts.join(', ')}.`;
}

/**
 * The entity's bindings, one card each, or an explanation of how to link
 * service accounts when there are none.
 */
export const BindingList = (props: {
  bindings: EntityBinding[];
  entityName: string;
  /** The entity's ref, e.g. `component:default/payments-api`. */
  entityRef: string;
  /** The annotation that links the entity, e.g. `backstage.io/kubernetes-id: payments-api`. */
  linkedBy?: string;
}) => {
  const { bindings, entityName, entityRef, linkedBy } = props;
  const unusedRoles = bindings.filter(isUnusedTagLinkedRole);
  const serviceAccounts = bindings.filter(b => !isUnusedTagLinkedRole(b));
  if (bindings.length === 0) {
    return (
      <div data-testid="irsa-bindings-empty">
        <EmptyState
          missing={linkedBy ? 'data' : 'field'}
          title={
            linkedBy
              ? `No service accounts found for ${entityName}`
              : `${entityName} is not linked to any Kubernetes service account`
          }
          description={
            linkedBy
              ? `${entityName} is linked by ${linkedBy}, but no service account in the watched clusters matches it, and no IAM role is tagged for it. Check the cluster, namespace and name (or the label), or add the ${SERVICE_ACCOUNTS_ANNOTATION} annotation.`
              : `Add one of these annotations to ${entityName}'s catalog-info.yaml so the IRSA tab can find its service accounts, their IAM roles and whether the pods can assume them.`
          }
          action={
            <CodeBlock label="Example annotations" text={EXAMPLE_ANNOTATIONS} />
          }
        />
      </div>
    );
  }
  return (
    <div data-testid="irsa-bindings">
      {serviceAccounts.length > 0 && (
        <Typography
          variant="body1"
          gutterBottom
          data-testid="irsa-bindings-summary"
        >
          {summarizeBindings(serviceAccounts)}
        </Typography>
      )}
      {serviceAccounts.map(binding => {
        const { cluster, namespace, name } = binding.serviceAccount;
        return (
          <BindingCard
            key={`${cluster}/${namespace}/${name}/${binding.roleArn ?? ''}`}
            binding={binding}
            openWhenDenied={serviceAccounts.length <= OPEN_DETAILS_UP_TO}
          />
        );
      })}
      {unusedRoles.length > 0 && (
        <div data-testid="irsa-tag-roles">
          <Typography variant="subtitle1" component="h3" gutterBottom>
            Roles tagged for {entityName} that no service account uses yet
          </Typography>
          {unusedRoles.map(binding => (
            <TagLinkedRole
              key={binding.roleArn ?? binding.serviceAccount.name}
              binding={binding}
              entityRef={entityRef}
            />
          ))}
        </div>
      )}
    </div>
  );
};
