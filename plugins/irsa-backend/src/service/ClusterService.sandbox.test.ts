/*
 * ClusterService against the sandbox's moto server (real IAM and EKS APIs).
 * Needs a running, seeded sandbox (sandbox/sandbox start && sandbox/sandbox seed).
 */
import { CreateClusterCommand, DeleteClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ConfigReader } from '@backstage/config';
import {
  loadSettings,
  SANDBOX_ACCOUNT_ID as ACCOUNT,
  sandboxAppConfig,
  Settings,
} from '../__testUtils__/sandboxSettings';
import { Blackhole, startBlackhole } from '../__testUtils__/blackhole';
import { realServices } from '../__testUtils__/services';

describe('ClusterService (sandbox moto)', () => {
  let s: Settings;

  beforeAll(() => {
    s = loadSettings();
  });

  /** The sandbox config with `clusters`, plus overrides of the `aws` and `irsa` sections. */
  function setup(clusters: object[], extra: { aws?: object; irsa?: { aws?: object; timeouts?: object } } = {}) {
    const base = sandboxAppConfig(s, clusters);
    const config = new ConfigReader({
      aws: { ...base.aws, ...extra.aws },
      irsa: { ...base.irsa, ...extra.irsa, aws: { ...base.irsa.aws, ...extra.irsa?.aws } },
    });
    const { clusters: service, aws } = realServices(config);
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

  describe('when AWS never answers', () => {
    let blackhole: Blackhole;
    beforeAll(async () => {
      blackhole = await startBlackhole();
    });
    afterAll(() => blackhole.close());

    it('answers within the time limit, saying which call timed out', async () => {
      const { service } = setup(
        [demoEast, { ...demoEast, name: 'golem', oidcIssuer: 'https://irsa.golem.gaws.gigantic.io' }],
        { irsa: { aws: { endpoint: blackhole.url('http') }, timeouts: { awsMs: 1000 } } },
      );
      const started = Date.now();
      const [east, golem] = await service.listClusters();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(east).toMatchObject({ name: 'demo-east', oidcProvider: 'unknown' });
      expect(east.error).toBe(
        'Could not read the OIDC issuer of cluster demo-east: TimeoutError: AWS eks:DescribeCluster timed out: ' +
          'the AWS calls of one request may take 1000 ms (irsa.timeouts.awsMs)',
      );
      expect(golem).toMatchObject({ oidcIssuer: 'https://irsa.golem.gaws.gigantic.io', oidcProvider: 'unknown' });
      expect(golem.error).toMatch(
        /^Could not list the IAM OIDC providers of account 123456789012: TimeoutError: AWS iam:ListOpenIDConnectProviders timed out/,
      );
    });
  });

  describe('awsRoleArn', () => {
    // A cluster in another moto account, readable only through the role it names. (moto lets
    // AssumeRole switch accounts and does not check the role exists; the test creates it anyway.)
    const OTHER = '222222222222';
    const suffix = Date.now().toString(36);
    const roleName = `irsa-test-reader-${suffix}`;
    const roleArn = `arn:aws:iam::${OTHER}:role/${roleName}`;
    const clusterName = `irsa-test-${suffix}`;
    let iam: IAMClient;
    let eks: EKSClient;
    let issuer: string;
    let providerArn: string | undefined;

    beforeAll(async () => {
      const client = { region: 'us-east-1', endpoint: s.AWS_ENDPOINT_URL };
      const sts = new STSClient({
        ...client,
        credentials: { accessKeyId: s.AWS_ACCESS_KEY_ID, secretAccessKey: s.AWS_SECRET_ACCESS_KEY },
      });
      const { Credentials: c } = await sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${OTHER}:role/irsa-test-setup`, RoleSessionName: 'irsa-test' }),
      );
      const credentials = { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken };
      iam = new IAMClient({ ...client, credentials });
      eks = new EKSClient({ ...client, credentials });
      await iam.send(
        new CreateRoleCommand({
          RoleName: roleName,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
          }),
        }),
      );
      const created = await eks.send(
        new CreateClusterCommand({ name: clusterName, roleArn, resourcesVpcConfig: {} }),
      );
      issuer = created.cluster!.identity!.oidc!.issuer!;
      providerArn = (
        await iam.send(
          new CreateOpenIDConnectProviderCommand({
            Url: issuer,
            ClientIDList: ['sts.amazonaws.com'],
            ThumbprintList: ['9'.repeat(40)],
          }),
        )
      ).OpenIDConnectProviderArn;
    });

    afterAll(async () => {
      await Promise.allSettled([
        providerArn && iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn })),
        eks.send(new DeleteClusterCommand({ name: clusterName })),
        iam.send(new DeleteRoleCommand({ RoleName: roleName })),
      ]);
    });

    const otherCluster = { name: 'other-account', accountId: OTHER, region: 'us-east-1', eksClusterName: clusterName, url: demoEast.url };
    // the backend's own identity, which assumes the role (integration-aws-node's main account)
    const mainAccount = () => ({ mainAccount: { accessKeyId: s.AWS_ACCESS_KEY_ID, secretAccessKey: s.AWS_SECRET_ACCESS_KEY } });

    it("reads the cluster's EKS issuer and its account's OIDC provider as the assumed role", async () => {
      const { service, aws } = setup([{ ...otherCluster, awsRoleArn: roleArn }], { aws: mainAccount() });
      const [status] = await service.listClusters();
      expect(status).toEqual({
        name: 'other-account',
        accountId: OTHER,
        region: 'us-east-1',
        issuerSource: 'eks',
        oidcIssuer: issuer,
        oidcProviderArn: providerArn,
        oidcProvider: 'present',
        oidcProviderClientIds: ['sts.amazonaws.com'],
      });
      // one session for the account, shared by its EKS and IAM clients
      expect(aws.callCounts()['sts:AssumeRole']).toBe(1);
    });

    it('finds nothing of that account with the plain account credentials', async () => {
      // moto's account listed for 222222222222 without a role: calls land in its (empty) EKS
      const { service } = setup([otherCluster], {
        aws: { accounts: [{ accountId: OTHER, accessKeyId: s.AWS_ACCESS_KEY_ID, secretAccessKey: s.AWS_SECRET_ACCESS_KEY }] },
      });
      const [status] = await service.listClusters();
      expect(status.error).toMatch(/Could not read the OIDC issuer of cluster other-account: ResourceNotFoundException/);
    });
  });
});
