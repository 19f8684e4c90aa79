import { createMockDirectory } from '@backstage/backend-test-utils';
import { ClusterConfig } from './config';
import { KubernetesTokens } from './KubernetesTokens';

const base: ClusterConfig = {
  name: 'prod',
  accountId: '111122223333',
  region: 'eu-west-2',
  eksClusterName: 'prod-euw2',
  url: 'https://ABCDEF0123.gr7.eu-west-2.eks.amazonaws.com',
  skipTLSVerify: false,
  authProvider: 'aws',
  authMetadata: {},
  connectionFrom: 'kubernetes',
};
const credentials = async () => ({
  accessKeyId: 'AKIAEXAMPLE',
  secretAccessKey: 'secret',
});

/** The presigned STS URL inside an EKS token. */
function presignedUrl(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  return new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
}

describe('KubernetesTokens', () => {
  it('signs an EKS token: a presigned GetCallerIdentity naming the cluster in a signed header', async () => {
    const accounts: string[] = [];
    const tokens = new KubernetesTokens(async accountId => {
      accounts.push(accountId);
      return credentials;
    });
    const url = presignedUrl((await tokens.tokenFor(base))!);
    expect(url.host).toBe('sts.eu-west-2.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIAEXAMPLE\/\d{8}\/eu-west-2\/sts\/aws4_request$/);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(accounts).toEqual(['111122223333']);
    // Reused while EKS still accepts it: no second signing.
    await tokens.tokenFor(base);
    expect(accounts).toHaveLength(1);
  });

  it('names the cluster by authMetadata when it says so (another token than by eksClusterName)', async () => {
    const tokens = new KubernetesTokens(async () => credentials);
    const byName = presignedUrl((await tokens.tokenFor(base))!);
    const other = new KubernetesTokens(async () => credentials);
    const byMetadata = presignedUrl(
      (await other.tokenFor({ ...base, authMetadata: { 'kubernetes.io/x-k8s-aws-id': 'another' } }))!,
    );
    expect(byMetadata.searchParams.get('X-Amz-Signature')).not.toBe(byName.searchParams.get('X-Amz-Signature'));
  });

  it('re-reads a service account token file every time, so a rotated token is used', async () => {
    const dir = createMockDirectory({ content: { token: 'first\n' } });
    const cluster: ClusterConfig = {
      ...base,
      authProvider: 'serviceAccount',
      serviceAccountTokenFile: dir.resolve('token'),
    };
    const tokens = new KubernetesTokens();
    expect(await tokens.tokenFor(cluster)).toBe('first');
    dir.addContent({ token: 'second' });
    expect(await tokens.tokenFor(cluster)).toBe('second');
    expect(await tokens.tokenFor({ ...cluster, serviceAccountTokenFile: undefined, serviceAccountToken: 'inline' })).toBe('inline');
  });
});
