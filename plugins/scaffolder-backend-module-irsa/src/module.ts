import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createIrsaCreateAction } from './actions/irsaCreate';

/**
 * Adds the IRSA actions to the scaffolder: `aws:irsa:create`, which is not
 * available yet (it fails with a clear error; see the package README).
 *
 * @public
 */
export const scaffolderModuleIrsa = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'irsa',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
      },
      async init({ scaffolderActions }) {
        scaffolderActions.addActions(createIrsaCreateAction());
      },
    });
  },
});
