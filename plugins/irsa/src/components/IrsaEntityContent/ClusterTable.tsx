import {
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { IrsaClusterStatus } from '../../api';

function ProviderStatus({ cluster }: { cluster: IrsaClusterStatus }) {
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

const columns: TableColumn<IrsaClusterStatus>[] = [
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
  clusters: IrsaClusterStatus[];
}) => (
  <Table<IrsaClusterStatus>
    title="Clusters"
    options={{ paging: false, search: false, padding: 'dense' }}
    columns={columns}
    data={clusters}
  />
);
