import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { irsaApiRef } from '../../api';
import {
  BindingList,
  KUBERNETES_ID_ANNOTATION,
  SERVICE_ACCOUNTS_ANNOTATION,
} from '../BindingList';
import { ClusterTable } from './ClusterTable';

/** Which annotation links the entity to its service accounts, in the order of docs/architecture.md. */
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

function isForbidden(error: Error): boolean {
  return (
    error.name === 'ResponseError' &&
    (error as ResponseError).statusCode === 403
  );
}

/** When the bindings were read, and a button to read them again. */
const RefreshBar = (props: {
  loadedAt?: Date;
  refreshing: boolean;
  onRefresh: () => void;
}) => {
  const { loadedAt, refreshing, onRefresh } = props;
  return (
    <Box
      display="flex"
      alignItems="center"
      justifyContent="flex-end"
      flexWrap="wrap"
      mb={1}
      style={{ gap: 8 }}
    >
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="irsa-last-refreshed"
        aria-live="polite"
      >
        {refreshing
          ? 'Refreshing…'
          : loadedAt && (
              <>
                Last refreshed{' '}
                <time dateTime={loadedAt.toISOString()}>
                  {loadedAt.toLocaleTimeString()}
                </time>
              </>
            )}
      </Typography>
      <Button
        size="small"
        variant="outlined"
        onClick={onRefresh}
        disabled={refreshing}
        data-testid="irsa-refresh"
      >
        Refresh
      </Button>
    </Box>
  );
};

/** The entity's bindings, loaded on their own so a refusal leaves the rest of the tab. */
const EntityBindingsSection = (props: {
  entityRef: string;
  entityName: string;
  linkedBy?: string;
}) => {
  const { entityRef, entityName, linkedBy } = props;
  const irsaApi = useApi(irsaApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const bindings = await irsaApi.getEntityBindings(entityRef);
    return { bindings, loadedAt: new Date() };
  }, [irsaApi, entityRef]);

  // A refresh keeps the bindings on screen until the new ones arrive.
  if (loading && !value) {
    return <Progress />;
  }
  const toolbar = (
    <RefreshBar
      loadedAt={value?.loadedAt}
      refreshing={loading}
      onRefresh={retry}
    />
  );
  if (error) {
    return (
      <Box data-testid="irsa-bindings-error">
        {toolbar}
        <ResponseErrorPanel
          error={error}
          title={
            isForbidden(error)
              ? "You may not view this entity's IRSA bindings"
              : undefined
          }
        />
      </Box>
    );
  }
  const clusterErrors = value?.bindings.errors ?? [];
  return (
    <>
      {toolbar}
      {clusterErrors.length > 0 && (
        <Box mb={2} data-testid="irsa-cluster-errors">
          <WarningPanel
            title="Some service accounts could not be listed; they are missing below"
            message={clusterErrors.map((e, i) => (
              // One cluster can fail in several ways; `*` marks an entity annotation error.
              <Box component="span" display="block" key={i}>
                {e.cluster === '*' ? 'entity annotations' : e.cluster}:{' '}
                {e.message}
              </Box>
            ))}
          />
        </Box>
      )}
      <BindingList
        bindings={value?.bindings.bindings ?? []}
        entityName={entityName}
        entityRef={entityRef}
        linkedBy={linkedBy}
      />
    </>
  );
};

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

  const linkedBy = describeServiceAccountLink(
    entity.metadata.annotations ?? {},
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="IAM roles for service accounts">
          <Box mb={2}>
            <Typography variant="body2" data-testid="irsa-linked-by">
              {linkedBy
                ? `Service accounts are linked to ${entity.metadata.name} by ${linkedBy}.`
                : `${entity.metadata.name} has no ${SERVICE_ACCOUNTS_ANNOTATION} or ${KUBERNETES_ID_ANNOTATION} annotation.`}
            </Typography>
          </Box>
          <EntityBindingsSection
            entityRef={stringifyEntityRef(entity)}
            entityName={entity.metadata.name}
            linkedBy={linkedBy}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Typography variant="body2" data-testid="irsa-clusters" gutterBottom>
          Clusters watched by the IRSA backend: {value?.health.clusters ?? 0}
        </Typography>
        <ClusterTable clusters={value?.clusters ?? []} />
      </Grid>
    </Grid>
  );
};
