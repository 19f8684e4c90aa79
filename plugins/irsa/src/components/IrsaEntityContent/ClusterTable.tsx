import {
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { ClusterStatus } from '../../api';

function ProviderStatus({ cluster }: { cluster: ClusterStatus }) {
  switch (cluster.oidcProvider) {
    case 'present':
      return (
        <StatusOK>
          present ({(cluster.oidcProviderClientIds ?? []).join(', ')})
        </StatusOK>
      );
    case 'missing':
      return (
        <StatusError>
          missing: pods cannot assume roles in {cluster.accountId}
        </StatusError>
      );
    default:
      return (
        <StatusWarning>
          unknown{cluster.error ? `: ${cluster.error}` : ''}
        </StatusWarning>
      );
  }
}

const columns: TableColumn<ClusterStatus>[] = [
  { title: 'Cluster', field: 'name' },
  { title: 'Account', field: 'accountId' },
  { title: 'Region', field: 'region' },
  {
    title: 'OIDC issuer',
    render: c => c.oidcIssuer ?? '—',
  },
  {
    title: 'IAM OIDC provider',
    render: c => <ProviderStatus cluster={c} />,
  },
];

/** The clusters the backend watches, and whether their accounts trust their issuers. */
export const ClusterTable = ({
  clusters,
}: {
  clusters: ClusterStatus[];
}) => (
  <Table<ClusterStatus>
    title="Clusters"
    options={{ paging: false, search: false, padding: 'dense' }}
    columns={columns}
    data={clusters}
  />
);
