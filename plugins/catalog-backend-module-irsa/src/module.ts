import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { irsaServiceRef } from '@irsa-backstage/plugin-irsa-node';
import { IrsaRoleEntityProvider } from './IrsaRoleEntityProvider';
import { RoleEntityOptions } from './roleEntities';

const CONFIG_KEY = 'catalog.providers.irsa';

// The inventory itself refreshes every 10 minutes by default; the delay
// lets the IRSA backend start first in the same process.
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 15 },
};

/** The provider's settings from `catalog.providers.irsa`. */
export function readProviderConfig(config: Config): {
  schedule: SchedulerServiceTaskScheduleDefinition;
  mapping: RoleEntityOptions;
} {
  const section = config.getOptionalConfig(CONFIG_KEY);
  const schedule = section?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        section.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;
  const defaultOwner = section?.getOptionalString('defaultOwner');
  const appBaseUrl = config.getOptionalString('app.baseUrl');
  return {
    schedule,
    mapping: {
      namespace: section?.getOptionalString('namespace') ?? 'default',
      ...(defaultOwner ? { defaultOwner } : {}),
      ...(appBaseUrl ? { appBaseUrl } : {}),
    },
  };
}

/**
 * Adds the IAM roles of the IRSA inventory to the catalog: one `Resource`
 * of type `aws-iam-role` per role, a dependency of the components that use
 * it.
 *
 * @public
 */
export const catalogModuleIrsa = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'irsa',
  register({ registerInit }) {
    registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        irsa: irsaServiceRef,
      },
      async init({ catalog, config, auth, logger, scheduler, irsa }) {
        const { schedule, mapping } = readProviderConfig(config);
        catalog.addEntityProvider(
          new IrsaRoleEntityProvider({
            irsa,
            auth,
            logger,
            taskRunner: scheduler.createScheduledTaskRunner(schedule),
            mapping,
          }),
        );
      },
    });
  },
});
