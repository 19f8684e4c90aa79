import { Entity } from '@backstage/catalog-model';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { IrsaApi, irsaApiRef } from '../../api';
import { IrsaEntityContent } from './IrsaEntityContent';

function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', annotations },
    spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
  };
}

async function renderTab(entity: Entity, api: IrsaApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[irsaApiRef, api]]}>
      <EntityProvider entity={entity}>
        <IrsaEntityContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('IrsaEntityContent', () => {
  const healthy: IrsaApi = { getHealth: async () => ({ status: 'ok', clusters: 3 }) };

  it('prefers the explicit service-accounts annotation over kubernetes-id', async () => {
    await renderTab(
      entityWith({
        'irsa.backstage.io/service-accounts': 'demo-east/payments/payments-api',
        'backstage.io/kubernetes-id': 'payments-api',
      }),
      healthy,
    );
    expect(screen.getByTestId('irsa-linked-by')).toHaveTextContent(
      'irsa.backstage.io/service-accounts: demo-east/payments/payments-api',
    );
    expect(screen.getByTestId('irsa-clusters')).toHaveTextContent(
      'Clusters watched by the IRSA backend: 3',
    );
  });

  it('says which annotations are missing', async () => {
    await renderTab(entityWith({}), healthy);
    expect(screen.getByTestId('irsa-linked-by')).toHaveTextContent(
      'payments-api has no irsa.backstage.io/service-accounts or backstage.io/kubernetes-id annotation.',
    );
  });

  it('shows the backend error instead of the card', async () => {
    await renderTab(entityWith({}), {
      getHealth: async () => {
        throw new Error('backend down');
      },
    });
    expect(await screen.findByText('Error: backend down', { selector: 'h6' })).toBeInTheDocument();
    expect(screen.queryByTestId('irsa-clusters')).not.toBeInTheDocument();
  });
});
