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
  const healthy: IrsaApi = {
    getHealth: async () => ({ status: 'ok', clusters: 3 }),
    listClusters: async () => [
      {
        name: 'demo-east',
        accountId: '123456789012',
        region: 'us-east-1',
        issuerSource: 'eks',
        oidcIssuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC',
        oidcProvider: 'present',
        oidcProviderClientIds: ['sts.amazonaws.com'],
      },
      {
        name: 'golem',
        accountId: '111122223333',
        region: 'eu-west-1',
        issuerSource: 'config',
        oidcIssuer: 'https://irsa.golem.gaws.gigantic.io',
        oidcProvider: 'missing',
      },
      {
        name: 'ghost',
        accountId: '111122223333',
        region: 'eu-west-1',
        issuerSource: 'eks',
        oidcProvider: 'unknown',
        error: 'Could not read the OIDC issuer of cluster ghost: ResourceNotFoundException',
      },
    ],
  };

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

  it("lists each cluster's issuer and whether its account has the OIDC provider", async () => {
    await renderTab(entityWith({ 'backstage.io/kubernetes-id': 'payments-api' }), healthy);
    const east = screen.getByText('demo-east').closest('tr')!;
    expect(east).toHaveTextContent('https://oidc.eks.us-east-1.amazonaws.com/id/ABC');
    expect(east).toHaveTextContent('present (sts.amazonaws.com)');
    expect(screen.getByText('golem').closest('tr')).toHaveTextContent(
      'missing: pods cannot assume roles in 111122223333',
    );
    expect(screen.getByText('ghost').closest('tr')).toHaveTextContent(
      'unknown: Could not read the OIDC issuer of cluster ghost: ResourceNotFoundException',
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
      ...healthy,
      getHealth: async () => {
        throw new Error('backend down');
      },
    });
    expect(await screen.findByText('Error: backend down', { selector: 'h6' })).toBeInTheDocument();
    expect(screen.queryByTestId('irsa-clusters')).not.toBeInTheDocument();
  });
});
