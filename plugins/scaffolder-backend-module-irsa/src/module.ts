import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { irsaServiceRef } from '@irsa-backstage/plugin-irsa-node';
import { createIrsaCreateAction } from './actions/irsaCreate';

/**
 * Adds the IRSA actions to the scaffolder: `aws:irsa:create`, which asks the
 * IRSA backend to provision as the user who runs the template.
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
        irsa: irsaServiceRef,
      },
      async init({ scaffolderActions, irsa }) {
        scaffolderActions.addActions(createIrsaCreateAction({ irsa }));
      },
    });
  },
});
