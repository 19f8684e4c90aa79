import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import {
  serveEntityBindings,
  serveHealth,
  testComponent,
  testIrsaClient,
} from './__testUtils__/bindingsServer';
import irsaPlugin, {
  irsaEntityCard,
  irsaEntityContent,
  irsaReviewPage,
} from './alpha';
import { irsaApiRef } from './api';
import { allowedBinding } from './components/__fixtures__/bindings';
import { isIrsaAvailable } from './isIrsaAvailable';

describe('the new frontend system exports (/alpha)', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const apis = [[irsaApiRef, testIrsaClient()]] as const;

  it('the plugin is "irsa" with the API, the tab and the card', () => {
    expect(irsaPlugin.id).toBe('irsa');
    // extension ids are kind:plugin/name, the names app-config uses to configure them
    const ids = [
      'api:irsa',
      'entity-content:irsa/irsa',
      'entity-card:irsa/irsa',
    ];
    for (const id of ids) {
      // getExtension throws for an id the plugin does not have
      expect(() => irsaPlugin.getExtension(id as any)).not.toThrow();
    }
  });

  it('the tab mounts at /irsa for the entities isIrsaAvailable accepts, and renders', async () => {
    const tester = createExtensionTester(irsaEntityContent, { apis });
    expect(tester.get(coreExtensionData.routePath)).toBe('/irsa');
    serveEntityBindings(server, [allowedBinding]);
    serveHealth(server);
    renderInTestApp(
      <EntityProvider entity={testComponent()}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis },
    );
    expect(
      await screen.findByTestId('irsa-binding-payments-payments-api'),
    ).toBeInTheDocument();
  });

  it('the card uses the same filter and shows the verdicts', async () => {
    const tester = createExtensionTester(irsaEntityCard, { apis });
    expect(tester.get(EntityCardBlueprint.dataRefs.filterFunction)).toBe(
      isIrsaAvailable,
    );
    serveEntityBindings(server, [allowedBinding]);
    renderInTestApp(
      <EntityProvider entity={testComponent()}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis },
    );
    expect(
      await screen.findByTestId('irsa-card-binding-payments-payments-api'),
    ).toHaveTextContent('Pods can assume this role');
  });

  it('the review page mounts at /irsa, with a title for the sidebar', () => {
    const tester = createExtensionTester(irsaReviewPage, { apis });
    expect(tester.get(coreExtensionData.routePath)).toBe('/irsa');
    expect(tester.get(coreExtensionData.title)).toBe('IRSA review');
  });
});
