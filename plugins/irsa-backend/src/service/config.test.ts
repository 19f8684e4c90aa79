import { ConfigReader } from '@backstage/config';
import { accountRoles, readIrsaConfig } from './config';

const cluster = (extra: object = {}) => ({
  name: 'prod',
  accountId: '111122223333',
  region: 'us-east-1',
  url: 'https://127.0.0.1:6443',
  ...extra,
});

const read = (irsa: object) => readIrsaConfig(new ConfigReader({ irsa }));

describe('readIrsaConfig', () => {
  it('has defaults for every bound', () => {
    expect(read({ clusters: [cluster()] })).toMatchObject({
      aws: { region: 'us-east-1', maxAttempts: 3, concurrency: { perRequest: 8, perProcess: 32 } },
      kubernetes: { pageSize: 250, maxItems: 2000 },
      timeouts: { awsMs: 10000, kubernetesMs: 5000 },
    });
  });

  it('reads the bounds that are set', () => {
    const config = read({
      aws: { maxAttempts: 5, concurrency: { perRequest: 2, perProcess: 4 } },
      kubernetes: { pageSize: 2, maxItems: 10 },
      timeouts: { awsMs: 1500, kubernetesMs: 2000 },
    });
    expect(config).toMatchObject({
      aws: { maxAttempts: 5, concurrency: { perRequest: 2, perProcess: 4 } },
      kubernetes: { pageSize: 2, maxItems: 10 },
      timeouts: { awsMs: 1500, kubernetesMs: 2000 },
      clusters: [],
    });
  });

  it.each([
    [{ timeouts: { awsMs: 10 } }, 'irsa.timeouts.awsMs must be a whole number from 100 to 300000, got 10'],
    [{ timeouts: { kubernetesMs: 2.5e3 + 0.5 } }, 'irsa.timeouts.kubernetesMs must be a whole number from 100 to 300000, got 2500.5'],
    [{ aws: { maxAttempts: 0 } }, 'irsa.aws.maxAttempts must be a whole number from 1 to 10, got 0'],
    [{ kubernetes: { pageSize: 0 } }, 'irsa.kubernetes.pageSize must be a whole number from 1 to 5000, got 0'],
    [{ kubernetes: { maxItems: -1 } }, 'irsa.kubernetes.maxItems must be a whole number from 1 to 100000, got -1'],
    [
      { aws: { concurrency: { perRequest: 9, perProcess: 8 } } },
      'irsa.aws.concurrency.perRequest (9) must not exceed irsa.aws.concurrency.perProcess (8)',
    ],
  ])('refuses %j', (irsa, message) => {
    expect(() => read(irsa)).toThrow(message);
  });

  it('accepts awsRoleArn in the cluster account and maps it to the account', () => {
    const roleArn = 'arn:aws:iam::111122223333:role/irsa/backstage-reader';
    const config = read({ clusters: [cluster({ awsRoleArn: roleArn }), cluster({ name: 'other' })] });
    expect(config.clusters[0].awsRoleArn).toBe(roleArn);
    expect(accountRoles(config.clusters)).toEqual(new Map([['111122223333', roleArn]]));
  });

  it.each([
    ['not an ARN', 'backstage-reader'],
    ['another account', 'arn:aws:iam::999999999999:role/backstage-reader'],
  ])('refuses an awsRoleArn that is %s', (_, awsRoleArn) => {
    expect(() => read({ clusters: [cluster({ awsRoleArn })] })).toThrow(
      `irsa.clusters[0].awsRoleArn must be an IAM role ARN in the cluster's account 111122223333, got '${awsRoleArn}'`,
    );
  });

  it('refuses two roles for one account', () => {
    expect(() =>
      read({
        clusters: [
          cluster({ awsRoleArn: 'arn:aws:iam::111122223333:role/a' }),
          cluster({ name: 'other', awsRoleArn: 'arn:aws:iam::111122223333:role/b' }),
        ],
      }),
    ).toThrow(/'prod' and 'other' are both in account 111122223333 but name different awsRoleArn/);
  });
});

describe("clusters from the Kubernetes plugin's configuration", () => {
  const kubernetes = (clusters: object[]) => ({
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      { type: 'catalog' },
      { type: 'config', clusters },
    ],
  });
  const readBoth = (irsaClusters: object[], kubeClusters: object[]) =>
    readIrsaConfig(
      new ConfigReader({ irsa: { clusters: irsaClusters }, kubernetes: kubernetes(kubeClusters) }),
    ).clusters;

  it('takes the connection of the cluster of the same name, and only the account from irsa', () => {
    const [c] = readBoth(
      [{ name: 'demo-east', accountId: '123456789012', region: 'us-east-1' }],
      [
        {
          name: 'demo-east',
          url: 'https://127.0.0.1:16443',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'token-text',
          caData: 'LS0tLS1CRUdJTg==',
          skipMetricsLookup: true,
        },
      ],
    );
    expect(c).toMatchObject({
      name: 'demo-east',
      accountId: '123456789012',
      region: 'us-east-1',
      url: 'https://127.0.0.1:16443',
      authProvider: 'serviceAccount',
      serviceAccountToken: 'token-text',
      caData: 'LS0tLS1CRUdJTg==',
      connectionFrom: 'kubernetes',
    });
  });

  it("reads an EKS cluster's region from its URL and its EKS name from authMetadata", () => {
    const [c] = readBoth(
      [{ name: 'prod', accountId: '111122223333' }],
      [
        {
          name: 'prod',
          url: 'https://ABCDEF0123.gr7.eu-west-2.eks.amazonaws.com',
          authProvider: 'aws',
          authMetadata: {
            'kubernetes.io/aws-assume-role': 'arn:aws:iam::111122223333:role/k8s-reader',
            'kubernetes.io/x-k8s-aws-id': 'prod-euw2',
          },
        },
      ],
    );
    expect(c).toMatchObject({
      region: 'eu-west-2',
      eksClusterName: 'prod-euw2',
      authProvider: 'aws',
      authMetadata: { 'kubernetes.io/aws-assume-role': 'arn:aws:iam::111122223333:role/k8s-reader' },
    });
  });

  it('names what is missing or unsupported', () => {
    expect(() => readBoth([{ name: 'nowhere', accountId: '111122223333', region: 'us-east-1' }], [])).toThrow(
      "irsa.clusters[0] has no url, and kubernetes.clusterLocatorMethods has no type: config cluster named 'nowhere'",
    );
    expect(() =>
      readBoth(
        [{ name: 'gke', accountId: '111122223333', region: 'us-east-1' }],
        [{ name: 'gke', url: 'https://10.0.0.1', authProvider: 'google' }],
      ),
    ).toThrow("kubernetes cluster 'gke'.authProvider 'google' is not supported by the IRSA plugin (serviceAccount, aws)");
    expect(() =>
      readBoth([{ name: 'onprem', accountId: '111122223333' }], [{ name: 'onprem', url: 'https://10.0.0.1:6443' }]),
    ).toThrow('irsa.clusters[0].region is required: the API server URL https://10.0.0.1:6443 is not an EKS one');
  });

  it('still takes a complete cluster from irsa.clusters alone', () => {
    const [c] = readBoth([cluster({ serviceAccountTokenFile: '/var/run/token' })], []);
    expect(c).toMatchObject({ url: 'https://127.0.0.1:6443', authProvider: 'serviceAccount', connectionFrom: 'irsa' });
  });
});
