/*
 * Test helper: the plugin's services as plugin.ts wires them, over an in-memory cache.
 */
import { CacheManager } from '@backstage/backend-defaults/cache';
import { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Config } from '@backstage/config';
import { AwsClientFactory } from '../service/AwsClientFactory';
import { AwsIamReader } from '../service/AwsIamReader';
import { BindingDiscovery } from '../service/BindingDiscovery';
import { ClusterService } from '../service/ClusterService';
import { readIrsaConfig } from '../service/config';
import { IamReader } from '../service/IamReader';
import { KubernetesApiReader } from '../service/KubernetesApiReader';
import { KubernetesClientFactory } from '../service/KubernetesClientFactory';
import { KubernetesReader } from '../service/KubernetesReader';

/** A fresh, empty cache of Backstage's in-memory kind (the default without a cache store). */
export function memoryCache(): CacheService {
  return CacheManager.fromConfig(mockServices.rootConfig()).forPlugin('irsa');
}

/** ClusterService and BindingDiscovery over the given readers, sharing one fresh cache. */
export function discoveryOver(config: Config, readers: { iam: IamReader; kube: KubernetesReader }) {
  const irsa = readIrsaConfig(config);
  const cache = memoryCache();
  const logger = mockServices.logger.mock();
  const clusters = new ClusterService(irsa, readers.iam, cache, logger);
  const discovery = new BindingDiscovery(clusters, readers.kube, readers.iam, cache, logger);
  return { irsa, clusters, discovery };
}

/**
 * The services over the real readers (AWS SDK and @kubernetes/client-node), for tests
 * against the sandbox; `aws` counts the AWS calls.
 */
export function realServices(config: Config) {
  const irsa = readIrsaConfig(config);
  const aws = AwsClientFactory.fromConfig(config, irsa);
  const kube = new KubernetesApiReader(KubernetesClientFactory.fromConfig(irsa));
  return { aws, ...discoveryOver(config, { iam: new AwsIamReader(aws), kube }) };
}
