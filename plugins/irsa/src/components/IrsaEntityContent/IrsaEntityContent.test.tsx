import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EntityBinding, IrsaApi, irsaApiRef } from '../../api';
import {
  allowedBinding,
  deniedBinding,
  missingRoleBinding,
  tagLinkedBinding,
} from '../__fixtures__/bindings';
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

function withBindings(api: IrsaApi, bindings: EntityBinding[]): IrsaApi {
  return {
    ...api,
    getEntityBindings: async ref => ({
      entityRef: String(ref),
      bindings,
      errors: [],
    }),
  };
}

async function forbidden(): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'Unauthorized' },
        request: {
          method: 'GET',
          url: '/api/irsa/entities/default/component/payments-api/bindings',
        },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    ) as any,
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
        error:
          'Could not read the OIDC issuer of cluster ghost: ResourceNotFoundException',
      },
    ],
    getEntityBindings: async ref => ({
      entityRef: String(ref),
      bindings: [],
      errors: [],
    }),
    // the review page's; not used by the tab
    listBindings: async () => ({ items: [], sources: [] }),
    listReviews: async () => ({ items: [] }),
    createReview: async () => {
      throw new Error('not used');
    },
    simulate: async () => {
      throw new Error('not asked in these tests');
    },
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
    await renderTab(
      entityWith({ 'backstage.io/kubernetes-id': 'payments-api' }),
      healthy,
    );
    const east = screen.getByText('demo-east').closest('tr')!;
    expect(east).toHaveTextContent(
      'https://oidc.eks.us-east-1.amazonaws.com/id/ABC',
    );
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
    expect(
      await screen.findByText('Error: backend down', { selector: 'h6' }),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('irsa-clusters')).not.toBeInTheDocument();
  });

  it("asks the backend for this entity's bindings and shows one card per binding", async () => {
    const asked: unknown[] = [];
    await renderTab(
      entityWith({ 'backstage.io/kubernetes-id': 'payments-api' }),
      {
        ...healthy,
        getEntityBindings: async ref => {
          asked.push(ref);
          return {
            entityRef: 'component:default/payments-api',
            bindings: [deniedBinding, allowedBinding, missingRoleBinding],
            errors: [],
          };
        },
      },
    );
    expect(asked).toEqual(['component:default/payments-api']);
    expect(
      await screen.findByTestId('irsa-bindings-summary'),
    ).toHaveTextContent(
      '3 service accounts: 1 can assume its role, 1 cannot, 1 not checked.',
    );
    const denied = screen.getByTestId('irsa-binding-orders-orders-worker');
    expect(within(denied).getByTestId('irsa-verdict').textContent).toMatch(
      /^Pods cannot assume this role/,
    );
    const allowed = screen.getByTestId('irsa-binding-payments-payments-api');
    expect(within(allowed).getByTestId('irsa-verdict').textContent).toMatch(
      /^Pods can assume this role/,
    );
    const missing = screen.getByTestId('irsa-binding-reports-reports-job');
    expect(within(missing).getByTestId('irsa-verdict').textContent).toMatch(
      /^Not checked/,
    );
    // The cluster table stays on the page, below the bindings.
    expect(
      screen.getByText('demo-east', { selector: 'td' }),
    ).toBeInTheDocument();
  });

  it('explains how to link service accounts when there are no bindings', async () => {
    await renderTab(entityWith({}), withBindings(healthy, []));
    const empty = await screen.findByTestId('irsa-bindings-empty');
    expect(empty).toHaveTextContent(
      'payments-api is not linked to any Kubernetes service account',
    );
    expect(empty).toHaveTextContent('irsa.backstage.io/service-accounts');
    expect(empty).toHaveTextContent('backstage.io/kubernetes-id');
  });

  it('says the link matched nothing when the entity is annotated but has no bindings', async () => {
    await renderTab(
      entityWith({ 'backstage.io/kubernetes-id': 'payments-api' }),
      withBindings(healthy, []),
    );
    expect(await screen.findByTestId('irsa-bindings-empty')).toHaveTextContent(
      'No service accounts found for payments-api',
    );
  });

  it('says clearly when the user may not view the bindings, and keeps the clusters', async () => {
    const error = await forbidden();
    await renderTab(
      entityWith({ 'backstage.io/kubernetes-id': 'payments-api' }),
      {
        ...healthy,
        getEntityBindings: async () => {
          throw error;
        },
      },
    );
    expect(await screen.findByTestId('irsa-bindings-error')).toHaveTextContent(
      "You may not view this entity's IRSA bindings",
    );
    expect(screen.queryByTestId('irsa-verdict')).not.toBeInTheDocument();
    expect(screen.getByTestId('irsa-clusters')).toBeInTheDocument();
  });

  it('shows other binding errors with their message', async () => {
    await renderTab(entityWith({}), {
      ...healthy,
      getEntityBindings: async () => {
        throw new Error('kube-apiserver unreachable');
      },
    });
    const panel = await screen.findByTestId('irsa-bindings-error');
    expect(panel).toHaveTextContent('kube-apiserver unreachable');
    expect(panel).not.toHaveTextContent('You may not view');
  });

  it('warns about clusters that could not be asked', async () => {
    await renderTab(entityWith({}), {
      ...healthy,
      getEntityBindings: async () => ({
        entityRef: 'component:default/payments-api',
        bindings: [allowedBinding],
        errors: [
          { cluster: 'golem', message: 'connect ECONNREFUSED' },
          { cluster: 'golem', message: 'timed out after 5000 ms' },
          { cluster: '*', message: 'backstage.io/kubernetes-namespace: bad' },
        ],
      }),
    });
    const warnings = await screen.findByTestId('irsa-cluster-errors');
    expect(warnings).toHaveTextContent('golem: connect ECONNREFUSED');
    expect(warnings).toHaveTextContent('golem: timed out after 5000 ms');
    expect(warnings).toHaveTextContent(
      'entity annotations: backstage.io/kubernetes-namespace: bad',
    );
    expect(
      screen.getByTestId('irsa-binding-payments-payments-api'),
    ).toBeInTheDocument();
  });

  it('shows when the bindings were read, and reads them again on Refresh, keeping them meanwhile', async () => {
    let calls = 0;
    let release: () => void = () => {};
    await renderTab(
      entityWith({ 'backstage.io/kubernetes-id': 'payments-api' }),
      {
        ...healthy,
        getEntityBindings: async ref => {
          calls += 1;
          if (calls > 1) await new Promise<void>(r => (release = r));
          return {
            entityRef: String(ref),
            bindings:
              calls > 1 ? [allowedBinding, deniedBinding] : [allowedBinding],
            errors: [],
          };
        },
      },
    );
    expect(await screen.findByTestId('irsa-last-refreshed')).toHaveTextContent(
      /^Last refreshed \d{1,2}:\d{2}/,
    );
    expect(screen.getByTestId('irsa-bindings-summary')).toHaveTextContent(
      '1 service account:',
    );
    fireEvent.click(screen.getByTestId('irsa-refresh'));
    expect(await screen.findByText('Refreshing…')).toBeInTheDocument();
    expect(screen.getByTestId('irsa-refresh')).toBeDisabled();
    // the cards stay while the new answer is on its way
    expect(
      screen.getByTestId('irsa-binding-payments-payments-api'),
    ).toBeInTheDocument();
    release();
    await waitFor(() =>
      expect(screen.getByTestId('irsa-bindings-summary')).toHaveTextContent(
        '2 service accounts:',
      ),
    );
    expect(calls).toBe(2);
    expect(screen.getByTestId('irsa-last-refreshed')).toHaveTextContent(
      'Last refreshed',
    );
  });

  it('lists roles tagged for the entity that no service account uses, apart from the cards', async () => {
    await renderTab(
      entityWith({ 'backstage.io/kubernetes-id': 'payments-api' }),
      withBindings(healthy, [allowedBinding, tagLinkedBinding]),
    );
    expect(
      await screen.findByTestId('irsa-bindings-summary'),
    ).toHaveTextContent('1 service account: 1 can assume its role.');
    const tagged = screen.getByTestId('irsa-tag-roles');
    expect(tagged).toHaveTextContent(
      'Roles tagged for payments-api that no service account uses yet',
    );
    expect(
      within(tagged)
        .getByTestId('irsa-provision-service-account')
        .getAttribute('href'),
    ).toContain('/create/templates/default/irsa-role?formData=');
    expect(
      screen.queryByTestId('irsa-binding-payments-payments-reports'),
    ).toBeNull();
  });
});
