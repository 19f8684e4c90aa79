import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { IrsaConfig } from './config';

/** Counts each call once, before retries (the `initialize` step runs once per command). */
const CALL_COUNTER = { step: 'initialize', name: 'irsaCallCounter' } as const;

/** The AWS API calls made so far, by `<service>:<Operation>`. */
export type AwsCallCounts = Record<string, number>;

/**
 * AWS SDK clients per account, with credentials from Backstage's `aws` config
 * (`@backstage/integration-aws-node`) and the endpoint override that only the
 * sandbox uses. Every client counts its calls: AWS IAM is rate limited, and the
 * number of calls per page view is a performance figure we track.
 */
export class AwsClientFactory {
  private readonly counts: AwsCallCounts = {};
  private readonly iamClients = new Map<string, Promise<IAMClient>>();
  private readonly eksClients = new Map<string, Promise<EKSClient>>();

  static fromConfig(config: Config, irsa: IrsaConfig): AwsClientFactory {
    return new AwsClientFactory(
      DefaultAwsCredentialsManager.fromConfig(config),
      irsa.aws,
    );
  }

  constructor(
    private readonly credentials: AwsCredentialsManager,
    private readonly aws: { endpoint?: string; region: string },
  ) {}

  /** IAM client acting in `accountId` (IAM is global; the region only picks the endpoint). */
  iam(accountId: string): Promise<IAMClient> {
    return this.memo(this.iamClients, accountId, async () => {
      const client = new IAMClient(await this.clientConfig(accountId, this.aws.region));
      client.middlewareStack.add(
        (next, context) => async args => {
          this.record('iam', context.commandName);
          return next(args);
        },
        CALL_COUNTER,
      );
      return client;
    });
  }

  /** EKS client acting in `accountId` and `region`. */
  eks(accountId: string, region: string): Promise<EKSClient> {
    return this.memo(this.eksClients, `${accountId}/${region}`, async () => {
      const client = new EKSClient(await this.clientConfig(accountId, region));
      client.middlewareStack.add(
        (next, context) => async args => {
          this.record('eks', context.commandName);
          return next(args);
        },
        CALL_COUNTER,
      );
      return client;
    });
  }

  /** A copy of the call counts so far. */
  callCounts(): AwsCallCounts {
    return { ...this.counts };
  }

  /** Total number of AWS calls so far. */
  totalCalls(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  private async clientConfig(accountId: string, region: string) {
    const { sdkCredentialProvider } = await this.credentials.getCredentialProvider({
      accountId,
    });
    return {
      region,
      credentials: sdkCredentialProvider,
      ...(this.aws.endpoint ? { endpoint: this.aws.endpoint } : {}),
    };
  }

  private record(service: string, commandName: string | undefined) {
    const key = `${service}:${String(commandName ?? 'unknown').replace(/Command$/, '')}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  private memo<T>(map: Map<string, Promise<T>>, key: string, create: () => Promise<T>) {
    let client = map.get(key);
    if (!client) {
      client = create();
      // A failed credential lookup must not stick: the next call tries again.
      client.catch(() => map.delete(key));
      map.set(key, client);
    }
    return client;
  }
}
