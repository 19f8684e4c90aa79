/*
 * ClusterService against the sandbox's moto server (real IAM and EKS APIs).
 * Needs a running, seeded sandbox (sandbox/sandbox start && sandbox/sandbox seed).
 */
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  loadSettings,
  SANDBOX_ACCOUNT_ID as ACCOUNT,
  sandboxAppConfig,
  Settings,
} from '../sandbox/sandboxSettings';
import { AwsClientFactory } from './AwsClientFactory';
import { ClusterService } from './ClusterService';
import { IrsaConfig, readIrsaConfig } from './config';

describe('ClusterService (sandbox moto)', () => {
  let s: Settings;

  beforeAll(() => {
    s = loadSettings();
  });

  function setup(clusters: object[]) {
    const config = new ConfigReader(sandboxAppConfig(s, clusters));
    const irsa: IrsaConfig = readIrsaConfig(config);
    const aws = AwsClientFactory.fromConfig(config, irsa);
    const cache = CacheManager.fromConfig(mockServices.rootConfig()).forPlugin('irsa');
    const service = new ClusterService(irsa, aws, cache, mockServices.logger.mock());
    return { service, aws };
  }

  const demoEast = {
    name: 'demo-east',
    accountId: ACCOUNT,
    region: 'us-east-1',
    url: 'https://127.0.0.1:16443',
  };

  it("reads an EKS cluster's issuer and finds its provider with the audience", async () => {
    const { service } = setup([demoEast]);
    const [east] = await service.listClusters();
    expect(east).toEqual({
      name: 'demo-east',
      accountId: ACCOUNT,
      region: 'us-east-1',
      issuerSource: 'eks',
      oidcIssuer: s.IRSA_SANDBOX_DEMO_EAST_ISSUER,
      oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${s.IRSA_SANDBOX_DEMO_EAST_ISSUER.replace('https://', '')}`,
      oidcProvider: 'present',
      oidcProviderClientIds: ['sts.amazonaws.com'],
    });
  });

  it('uses a configured issuer for a non-EKS cluster and reports its missing provider', async () => {
    const { service, aws } = setup([
      { ...demoEast, name: 'golem', oidcIssuer: 'https://irsa.golem.gaws.gigantic.io' },
    ]);
    const [golem] = await service.listClusters();
    expect(golem).toMatchObject({
      issuerSource: 'config',
      oidcIssuer: 'https://irsa.golem.gaws.gigantic.io',
      oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/irsa.golem.gaws.gigantic.io`,
      oidcProvider: 'missing',
    });
    // EKS is not asked for a cluster with its own issuer
    expect(Object.keys(aws.callCounts()).filter(k => k.startsWith('eks:'))).toEqual([]);
  });

  it('reports a cluster EKS does not know without failing the others', async () => {
    const { service } = setup([demoEast, { ...demoEast, name: 'ghost', eksClusterName: 'no-such-cluster' }]);
    const [east, ghost] = await service.listClusters();
    expect(east.oidcProvider).toBe('present');
    expect(ghost).toMatchObject({ name: 'ghost', oidcProvider: 'unknown' });
    expect(ghost.oidcIssuer).toBeUndefined();
    expect(ghost.error).toMatch(/Could not read the OIDC issuer of cluster ghost: ResourceNotFoundException/);
  });

  it('serves repeated and concurrent requests from one set of AWS calls', async () => {
    // a second name for the same EKS cluster (as when two Backstage names point at one cluster)
    const { service, aws } = setup([demoEast, { ...demoEast, name: 'demo-east-2', eksClusterName: 'demo-east' }]);
    await Promise.all([service.listClusters(), service.listClusters(), service.listClusters()]);
    const first = aws.callCounts();
    // two clusters of one account and one EKS name: one DescribeCluster per cluster name,
    // one ListOpenIDConnectProviders for the account, one Get per provider
    expect(first['eks:DescribeCluster']).toBe(2);
    expect(first['iam:ListOpenIDConnectProviders']).toBe(1);
    expect(first['iam:GetOpenIDConnectProvider']).toBeGreaterThanOrEqual(2);
    await service.listClusters();
    expect(aws.callCounts()).toEqual(first);
  });
});
