import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { irsaApiRef } from '../../api';
import { ClusterTable } from './ClusterTable';

const SERVICE_ACCOUNTS_ANNOTATION = 'irsa.backstage.io/service-accounts';
const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/** Which annotation links the entity to its service accounts, in DESIGN.md's order. */
function describeServiceAccountLink(
  annotations: Record<string, string>,
): string | undefined {
  for (const key of [SERVICE_ACCOUNTS_ANNOTATION, KUBERNETES_ID_ANNOTATION]) {
    if (annotations[key]) {
      return `${key}: ${annotations[key]}`;
    }
  }
  return undefined;
}

/**
 * The "IRSA" tab of an entity: its service accounts, the IAM roles they map
 * to, the trust verdict and the role's permissions.
 */
export const IrsaEntityContent = () => {
  const { entity } = useEntity();
  const irsaApi = useApi(irsaApiRef);
  const { value, loading, error } = useAsync(
    async () => ({
      health: await irsaApi.getHealth(),
      clusters: await irsaApi.listClusters(),
    }),
    [irsaApi],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }

  const linkedBy = describeServiceAccountLink(entity.metadata.annotations ?? {});

  return (
    <InfoCard title="IAM roles for service accounts">
      <Typography variant="body2" data-testid="irsa-linked-by">
        {linkedBy
          ? `Service accounts are linked to ${entity.metadata.name} by ${linkedBy}.`
          : `${entity.metadata.name} has no ${SERVICE_ACCOUNTS_ANNOTATION} or ${KUBERNETES_ID_ANNOTATION} annotation.`}
      </Typography>
      <Typography variant="body2" data-testid="irsa-clusters">
        Clusters watched by the IRSA backend: {value?.health.clusters ?? 0}
      </Typography>
      <ClusterTable clusters={value?.clusters ?? []} />
      <EmptyState
        missing="data"
        title="No IRSA bindings discovered yet"
        description="Discovery of service accounts, their IAM roles and trust verdicts appears here."
      />
    </InfoCard>
  );
};
