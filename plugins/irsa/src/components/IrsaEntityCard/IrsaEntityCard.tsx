import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { highestSeverity } from '@irsa-backstage/plugin-irsa-common';
import useAsync from 'react-use/esm/useAsync';
import { EntityBinding, irsaApiRef } from '../../api';
import { SeverityChip } from '../SeverityChip';
import { VERDICT_TEXT, verdictState } from '../VerdictBanner';

/** The tab's path under the entity page, as both frontend systems mount it. */
const TAB_PATH = 'irsa';

const BindingRow = ({ binding }: { binding: EntityBinding }) => {
  const { cluster, namespace, name } = binding.serviceAccount;
  const severity = highestSeverity(binding.findings);
  return (
    <TableRow data-testid={`irsa-card-binding-${namespace}-${name}`}>
      <TableCell>
        {cluster} / {namespace} / {name}
      </TableCell>
      <TableCell>{VERDICT_TEXT[verdictState(binding)]}</TableCell>
      <TableCell>
        {severity ? (
          <>
            <SeverityChip severity={severity} /> {binding.findings.length}
          </>
        ) : (
          'none'
        )}
      </TableCell>
    </TableRow>
  );
};

/**
 * The overview card: each service account of the entity with the trust
 * verdict and its most severe finding, linking to the IRSA tab for the why.
 */
export const IrsaEntityCard = () => {
  const { entity } = useEntity();
  const irsaApi = useApi(irsaApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => irsaApi.getEntityBindings(entityRef),
    [irsaApi, entityRef],
  );

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!value || value.bindings.length === 0) {
    body = (
      <Typography variant="body2">
        No service account of {entity.metadata.name} maps to an IAM role.
      </Typography>
    );
  } else {
    body = (
      <Table size="small" aria-label="Service accounts and their IAM roles">
        <TableHead>
          <TableRow>
            <TableCell>Service account</TableCell>
            <TableCell>Trust verdict</TableCell>
            <TableCell>Findings</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.bindings.map(binding => (
            <BindingRow
              key={`${binding.serviceAccount.cluster}/${binding.serviceAccount.namespace}/${binding.serviceAccount.name}/${binding.roleArn}`}
              binding={binding}
            />
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <InfoCard
      title="IAM roles for service accounts"
      deepLink={{ title: 'View IRSA details', link: TAB_PATH }}
    >
      <div data-testid="irsa-entity-card">
        {body}
        {value && value.errors.length > 0 && (
          <Typography variant="caption" color="textSecondary" component="p">
            Not listed: {value.errors.map(e => e.cluster).join(', ')} could not
            be read. <Link to={TAB_PATH}>Details</Link>
          </Typography>
        )}
      </div>
    </InfoCard>
  );
};
