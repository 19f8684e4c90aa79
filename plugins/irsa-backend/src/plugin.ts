import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { irsaPermissions } from '@irsa-backstage/plugin-irsa-common';
import { AuditTrail } from './audit/AuditTrail';
import { IamInventoryReader } from './inventory/IamInventoryReader';
import { InventoryService } from './inventory/InventoryService';
import { InventoryStore } from './inventory/InventoryStore';
import { DatabaseIrsaStore } from './database/DatabaseIrsaStore';
import { AwsClientFactory } from './service/AwsClientFactory';
import { AwsIamReader } from './service/AwsIamReader';
import { BindingDiscovery } from './service/BindingDiscovery';
import { ClusterService } from './service/ClusterService';
import { EntityAccess } from './service/EntityAccess';
import { EntityViews } from './service/EntityViews';
import { InformerKubernetesReader } from './service/InformerKubernetesReader';
import { KubernetesApiReader } from './service/KubernetesApiReader';
import { KubernetesClientFactory } from './service/KubernetesClientFactory';
import { KubernetesTokens } from './service/KubernetesTokens';
import { IamPermissionSimulation } from './service/PermissionSimulation';
import { readIrsaConfig } from './service/config';
import { createRouter } from './service/router';
import { LiveProvisioningReads } from './provision/LiveProvisioningReads';
import { ProvisionExecutor } from './provision/ProvisionExecutor';
import { LiveProvisioningWrites } from './provision/ProvisioningWrites';
import { ProvisionPlanner } from './provision/ProvisionPlanner';
import { ProvisionRequestValidator } from './provision/ProvisionRequestValidator';
import { ProvisionService } from './provision/ProvisionService';
import { readProvisioningSettings } from './provision/provisioningConfig';
import { InventoryReviewService } from './review/ReviewService';

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
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        httpRouter: coreServices.httpRouter,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
      },
      async init({
        logger,
        config,
        database,
        cache,
        httpAuth,
        permissions,
        auditor,
        catalog,
        httpRouter,
        permissionsRegistry,
        userInfo,
        auth,
        scheduler,
        lifecycle,
      }) {
        const irsaConfig = readIrsaConfig(config);
        // Created at start-up so migrations run before the first request.
        const store = await DatabaseIrsaStore.create({ database });
        permissionsRegistry.addPermissions(irsaPermissions);
        // The IAM and Kubernetes reads, each behind a small interface.
        const awsClients = AwsClientFactory.fromConfig(config, irsaConfig);
        const iam = new AwsIamReader(awsClients);
        const kubeTokens = new KubernetesTokens(accountId =>
          awsClients.credentialsFor(accountId),
        );
        const kubeClients = KubernetesClientFactory.fromConfig(
          irsaConfig,
          kubeTokens,
        );
        const liveKube = new KubernetesApiReader(kubeClients);
        // Views read Kubernetes from watches in memory; until a cluster is
        // synced, from the API servers.
        const kube = new InformerKubernetesReader(
          kubeClients,
          liveKube,
          logger,
        );
        kube.start(irsaConfig.clusters);
        lifecycle.addShutdownHook(() => kube.stop());
        const clusters = new ClusterService(irsaConfig, iam, cache, logger);
        const inventoryStore = new InventoryStore(await database.getClient());
        const discovery = new BindingDiscovery(
          clusters,
          kube,
          iam,
          cache,
          logger,
          // Roles tagged for an entity come from the inventory: no AWS call.
          inventoryStore,
        );
        const provisioningSettings = readProvisioningSettings(config);
        const provisioningReads = new LiveProvisioningReads(
          clusters,
          iam,
          // Plans must not rest on data that may be stale: always the API servers.
          liveKube,
          kubeClients,
        );
        const provisioning = new ProvisionService(
          new ProvisionRequestValidator(
            irsaConfig.clusters,
            provisioningSettings,
          ),
          new ProvisionPlanner(provisioningReads, {
            createOidcProvider: provisioningSettings.createOidcProvider,
          }),
          permissions,
          catalog,
          {
            executor: new ProvisionExecutor(
              provisioningReads,
              new LiveProvisioningWrites(awsClients, kubeClients),
            ),
            store,
          },
        );
        const inventory = new InventoryService({
          clusters,
          iam: new IamInventoryReader(awsClients),
          // The whole estate, cluster-wide: larger bounds than a page view's.
          kube: new KubernetesClientFactory(
            {
              timeoutMs: irsaConfig.inventory.clusterTimeoutMs,
              pageSize: 500,
              maxItems: irsaConfig.inventory.maxObjects,
            },
            kubeTokens,
          ),
          store: inventoryStore,
          catalog,
          auth,
          permissions,
          userInfo,
          logger,
        });
        // Scheduled globally: one replica runs it per interval.
        await scheduler.scheduleTask({
          id: 'irsa-inventory-refresh',
          frequency: { minutes: irsaConfig.inventory.frequencyMinutes },
          initialDelay: { seconds: irsaConfig.inventory.initialDelaySeconds },
          timeout: { minutes: 30 },
          scope: 'global',
          fn: async () => {
            await inventory.refresh();
          },
        });
        httpRouter.use(
          await createRouter({
            logger,
            config: irsaConfig,
            httpAuth,
            permissions,
            auditor,
            catalog,
            clusters,
            discovery,
            entityViews: new EntityViews(discovery, {
              reuseMs: irsaConfig.entityViews.reuseSeconds * 1000,
              maxEntries: 1000,
            }),
            entityAccess: new EntityAccess(
              { permissions, catalog },
              {
                reuseMs: irsaConfig.entityViews.reuseSeconds * 1000,
                maxEntries: 10_000,
              },
            ),
            simulation: new IamPermissionSimulation(
              discovery,
              kube,
              iam,
              cache,
              logger,
            ),
            provisioning,
            inventory,
            reviews: new InventoryReviewService({
              store,
              inventory: inventoryStore,
              permissions,
              auth,
              userInfo,
            }),
            audit: new AuditTrail(store, permissions, userInfo, catalog, auth),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `IRSA plugin ready with ${irsaConfig.clusters.length} cluster(s): ${
            irsaConfig.clusters.map(c => c.name).join(', ') || 'none'
          }`,
        );
      },
    });
  },
});
