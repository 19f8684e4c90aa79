/*
 * ClusterService over an in-memory IAM reader: cluster statuses, partial failures, caching
 * and coalescing. No server is involved; the same paths against moto's IAM and EKS are in
 * ClusterService.sandbox.test.ts.
 */
import { buildOidcProviderArn } from '@irsa-backstage/plugin-irsa-common';
import {
  ACCOUNT,
  clustersConfig,
  EAST_CLUSTER,
  EAST_ISSUER,
  eksEstate,
  WEST_CLUSTER,
  WEST_ISSUER,
} from '../__testUtils__/estate';
import { IamEstate, InMemoryIamReader, InMemoryKubernetesReader } from '../__testUtils__/inMemoryReaders';
import { discoveryOver } from '../__testUtils__/services';

const GOLEM_ISSUER = 'https://irsa.golem.gaws.gigantic.io';

function setup(clusters: object[] = [EAST_CLUSTER, WEST_CLUSTER], estate: IamEstate = eksEstate()) {
  const iam = new InMemoryIamReader(estate);
  const { clusters: service } = discoveryOver(clustersConfig(clusters), { iam, kube: new InMemoryKubernetesReader({}) });
  return { service, iam };
}

describe('ClusterService', () => {
  it("reads each EKS cluster's issuer and finds its account's provider with the audience", async () => {
    const { service } = setup();
    expect(await service.listClusters()).toEqual([
      {
        name: 'demo-east',
        accountId: ACCOUNT,
        region: 'us-east-1',
        issuerSource: 'eks',
        oidcIssuer: EAST_ISSUER,
        oidcProviderArn: buildOidcProviderArn(ACCOUNT, EAST_ISSUER),
        oidcProvider: 'present',
        oidcProviderClientIds: ['sts.amazonaws.com'],
      },
      expect.objectContaining({ name: 'demo-west', oidcIssuer: WEST_ISSUER, oidcProvider: 'present' }),
    ]);
  });

  it('uses a configured issuer without asking EKS, and reports its missing provider', async () => {
    const { service, iam } = setup([{ ...EAST_CLUSTER, name: 'golem', oidcIssuer: GOLEM_ISSUER }]);
    const [golem] = await service.listClusters();
    expect(golem).toEqual({
      name: 'golem',
      accountId: ACCOUNT,
      region: 'us-east-1',
      issuerSource: 'config',
      oidcIssuer: GOLEM_ISSUER,
      oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/irsa.golem.gaws.gigantic.io`,
      oidcProvider: 'missing',
    });
    expect(iam.count('readClusterIssuer')).toBe(0);
  });

  it('reports a cluster EKS does not know, or knows without an issuer, without failing the others', async () => {
    const estate = eksEstate();
    estate.clusterIssuers![`${ACCOUNT}/us-east-1/no-oidc`] = '';
    const { service } = setup([
      EAST_CLUSTER,
      { ...EAST_CLUSTER, name: 'ghost', eksClusterName: 'no-such-cluster' },
      { ...EAST_CLUSTER, name: 'bare', eksClusterName: 'no-oidc' },
    ], estate);
    const [east, ghost, bare] = await service.listClusters();
    expect(east.oidcProvider).toBe('present');
    expect(ghost).toMatchObject({ name: 'ghost', oidcProvider: 'unknown' });
    expect(ghost.oidcIssuer).toBeUndefined();
    expect(ghost.error).toBe(
      'Could not read the OIDC issuer of cluster ghost: ResourceNotFoundException: No cluster found for name: no-such-cluster.',
    );
    expect(bare.error).toBe(
      'Could not read the OIDC issuer of cluster bare: Error: EKS cluster no-oidc in us-east-1 has no OIDC issuer',
    );
  });

  it("reports an account whose providers cannot be listed, with the cluster's issuer", async () => {
    const { service, iam } = setup([EAST_CLUSTER]);
    iam.failWhen(/^listOidcProviders /, Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const [east] = await service.listClusters();
    expect(east).toMatchObject({ oidcIssuer: EAST_ISSUER, oidcProvider: 'unknown' });
    expect(east.error).toBe(
      `Could not list the IAM OIDC providers of account ${ACCOUNT}: Throttling: Rate exceeded`,
    );
  });

  it('lists the configured clusters without reading anything', () => {
    const { service, iam } = setup();
    expect(service.listClusterConfigs().map(c => c.name)).toEqual(['demo-east', 'demo-west']);
    expect(iam.calls).toEqual([]);
  });

  describe('caching and coalescing', () => {
    // a second name for the same EKS cluster (as when two Backstage names point at one cluster)
    const twoNames = [EAST_CLUSTER, { ...EAST_CLUSTER, name: 'demo-east-2', eksClusterName: 'demo-east' }];

    it('serves repeated requests from one set of reads: issuers by cluster name, providers by account', async () => {
      const { service, iam } = setup(twoNames);
      const first = await service.listClusters();
      expect([...iam.calls].sort()).toEqual([
        `listOidcProviders ${ACCOUNT}`,
        `readClusterIssuer ${ACCOUNT}/us-east-1/demo-east`,
        `readClusterIssuer ${ACCOUNT}/us-east-1/demo-east`,
      ]);
      expect(await service.listClusters()).toEqual(first);
      expect(await service.getIssuer(service.listClusterConfigs()[0])).toBe(EAST_ISSUER);
      expect(await service.getOidcProviders(ACCOUNT)).toHaveLength(2);
      expect(iam.calls).toHaveLength(3);
    });

    it('shares one read among concurrent requests', async () => {
      const { service, iam } = setup(twoNames);
      const [first, ...others] = await iam.overlapping(3, () => service.listClusters());
      expect(others).toEqual([first, first]);
      expect(iam.count('readClusterIssuer')).toBe(2);
      expect(iam.count('listOidcProviders')).toBe(1);
    });

    it('does not remember a failed read: the next request tries again', async () => {
      const { service, iam } = setup([EAST_CLUSTER]);
      iam.failWhen(/^readClusterIssuer /, new Error('EKS is down'));
      expect((await service.listClusters())[0].error).toMatch(/EKS is down/);
      iam.recover();
      const [east] = await service.listClusters();
      expect(east).toMatchObject({ oidcIssuer: EAST_ISSUER, oidcProvider: 'present' });
      expect(east.error).toBeUndefined();
      expect(iam.count('readClusterIssuer')).toBe(2);
    });
  });
});
