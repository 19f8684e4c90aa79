import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { irsaPermissions } from '@irsa-backstage/plugin-irsa-common';
import { DatabaseIrsaStore } from './database/DatabaseIrsaStore';
import { AwsClientFactory } from './service/AwsClientFactory';
import { ClusterService } from './service/ClusterService';
import { readIrsaConfig } from './service/config';
import { createRouter } from './service/router';

/**
 * The IRSA backend plugin: discovery, verification, provisioning, reviews and
 * audit of IAM roles for Kubernetes service accounts.
 *
 * @public
 */
export const irsaPlugin = createBackendPlugin({
  pluginId: 'irsa',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        cache: coreServices.cache,
        httpRouter: coreServices.httpRouter,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        logger,
        config,
        database,
        cache,
        httpRouter,
        permissionsRegistry,
      }) {
        const irsaConfig = readIrsaConfig(config);
        // Created at start-up so migrations run before the first request.
        await DatabaseIrsaStore.create({ database });
        permissionsRegistry.addPermissions(irsaPermissions);
        const clusters = new ClusterService(
          irsaConfig,
          AwsClientFactory.fromConfig(config, irsaConfig),
          cache,
          logger,
        );
        httpRouter.use(
          await createRouter({ logger, config: irsaConfig, clusters }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `IRSA plugin ready with ${irsaConfig.clusters.length} cluster(s): ${irsaConfig.clusters
            .map(c => c.name)
            .join(', ') || 'none'}`,
        );
      },
    });
  },
});
