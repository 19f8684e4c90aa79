import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { highestSeverity } from '@irsa-backstage/plugin-irsa-common';
import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import {
  serveEntityBindings,
  serveHealth,
  serveInventory,
  testComponent,
  testIrsaClient,
} from './__testUtils__/bindingsServer';
import { irsaApiRef } from './api';
import {
  allowedBinding,
  deniedBinding,
} from './components/__fixtures__/bindings';
import {
  EntityIrsaCard,
  EntityIrsaContent,
  IrsaReviewPage,
  irsaPlugin,
  isIrsaAvailable,
} from './index';

describe('the classic frontend system exports', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function renderWithEntity(element: JSX.Element) {
    return renderInTestApp(
      <TestApiProvider apis={[[irsaApiRef, testIrsaClient()]]}>
        <EntityProvider entity={testComponent()}>{element}</EntityProvider>
      </TestApiProvider>,
    );
  }

  it('irsaPlugin provides the IRSA client for the app to register', () => {
    expect(irsaPlugin.getId()).toBe('irsa');
    const apiRefs = [...irsaPlugin.getApis()].map(factory => factory.api.id);
    expect(apiRefs).toEqual([irsaApiRef.id]);
  });

  it('EntityIrsaCard lists each service account with its verdict and worst finding', async () => {
    serveEntityBindings(server, [allowedBinding, deniedBinding]);
    await renderWithEntity(<EntityIrsaCard />);

    const allowed = await screen.findByTestId(
      'irsa-card-binding-payments-payments-api',
    );
    expect(allowed).toHaveTextContent('Pods can assume this role');
    const denied = screen.getByTestId('irsa-card-binding-orders-orders-worker');
    expect(denied).toHaveTextContent('Pods cannot assume this role');
    const worst = highestSeverity(deniedBinding.findings)!;
    expect(
      within(denied).getByTestId(`irsa-severity-${worst}`),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /View IRSA details/ }),
    ).toBeInTheDocument();
  });

  it('EntityIrsaCard names the clusters it could not read', async () => {
    serveEntityBindings(
      server,
      [allowedBinding],
      [{ cluster: 'demo-west', message: 'connect ECONNREFUSED' }],
    );
    await renderWithEntity(<EntityIrsaCard />);
    expect(
      await screen.findByText(/demo-west could not be read/),
    ).toBeInTheDocument();
  });

  it('EntityIrsaContent is the tab, mounted on its route', async () => {
    serveEntityBindings(server, [allowedBinding]);
    serveHealth(server);
    // A routable extension is mounted by a route, as an app's EntityLayout.Route does.
    await renderInTestApp(
      <TestApiProvider apis={[[irsaApiRef, testIrsaClient()]]}>
        <EntityProvider entity={testComponent()}>
          <Routes>
            <Route path="/*" element={<EntityIrsaContent />} />
          </Routes>
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByTestId('irsa-binding-payments-payments-api'),
    ).toBeInTheDocument();
  });
});

describe('the classic review page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('IrsaReviewPage lists the inventory by owner', async () => {
    serveInventory(server);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [irsaApiRef, testIrsaClient()],
          [permissionApiRef, new MockPermissionApi()],
        ]}
      >
        <Routes>
          <Route path="/irsa" element={<IrsaReviewPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/irsa'] },
    );
    expect(
      await screen.findByText('IRSA ownership review'),
    ).toBeInTheDocument();
    const group = await screen.findByTestId('irsa-review-group');
    expect(group).toHaveAttribute('data-owner', 'group:default/team-payments');
    expect(group).toHaveTextContent('payments-api');
  });
});

describe('isIrsaAvailable', () => {
  it('is true for a component linked by any of the annotations the backend reads', () => {
    for (const key of [
      'backstage.io/kubernetes-id',
      'backstage.io/kubernetes-label-selector',
      'irsa.backstage.io/service-accounts',
    ]) {
      const entity = testComponent();
      entity.metadata.annotations = { [key]: 'x' };
      expect(isIrsaAvailable(entity)).toBe(true);
    }
  });

  it('is false for a component without them, and for other kinds', () => {
    const bare = testComponent();
    bare.metadata.annotations = {};
    expect(isIrsaAvailable(bare)).toBe(false);
    expect(isIrsaAvailable({ ...testComponent(), kind: 'Resource' })).toBe(
      false,
    );
  });
});
