import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  AwsCredentialProvider,
  AwsCredentialsManager,
} from '@backstage/integration-aws-node';

type CredentialProvider = AwsCredentialProvider['sdkCredentialProvider'];
type Credentials = Awaited<ReturnType<CredentialProvider>>;

/** Assumed-role credentials are renewed this long before they expire. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

/**
 * The credentials the backend uses in each AWS account. By default those of
 * Backstage's `aws` config (`@backstage/integration-aws-node`); for an account
 * with a cluster that sets `awsRoleArn`, that role, assumed with STS
 * AssumeRole from the main credentials (the backend's own identity). One
 * assumed session per account is shared by its IAM and EKS clients.
 */
export class AccountCredentials {
  private readonly assumed = new Map<string, CredentialProvider>();

  constructor(
    private readonly manager: AwsCredentialsManager,
    /** Role ARN per account id, from `irsa.clusters[].awsRoleArn`. */
    private readonly roles: Map<string, string>,
    /** An STS client acting with the given credentials. */
    private readonly sts: (credentials: CredentialProvider) => STSClient,
  ) {}

  async forAccount(accountId: string): Promise<CredentialProvider> {
    const roleArn = this.roles.get(accountId);
    if (!roleArn) {
      return (await this.manager.getCredentialProvider({ accountId })).sdkCredentialProvider;
    }
    let provider = this.assumed.get(accountId);
    if (!provider) {
      const main = (await this.manager.getCredentialProvider()).sdkCredentialProvider;
      provider = renewedBeforeExpiry(() => assumeRole(this.sts(main), roleArn));
      this.assumed.set(accountId, provider);
    }
    return provider;
  }
}

async function assumeRole(sts: STSClient, roleArn: string): Promise<Credentials> {
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'backstage-irsa' }),
  );
  if (!c?.AccessKeyId || !c.SecretAccessKey) {
    throw new Error(`STS AssumeRole of ${roleArn} returned no credentials`);
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

/** `load`, called again only when its last answer is close to expiry or failed. */
function renewedBeforeExpiry(load: () => Promise<Credentials>): CredentialProvider {
  let current: Credentials | undefined;
  let pending: Promise<Credentials> | undefined;
  return async () => {
    const expiresAt = current?.expiration?.getTime() ?? Infinity;
    if (current && expiresAt - Date.now() > RENEW_BEFORE_MS) {
      return current;
    }
    pending ??= load()
      .then(credentials => {
        current = credentials;
        return credentials;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
