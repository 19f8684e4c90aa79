import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { Config } from '@backstage/config';
import {
  AwsCredentialProvider,
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { AccountCredentials } from './AccountCredentials';
import { accountRoles, AwsSettings, IrsaConfig } from './config';
import {
  deadline,
  raceAbort,
  requestState,
  Semaphore,
  TimeoutError,
  withSlot,
} from './limits';

/** Counts each call once, before retries (the `initialize` step runs once per command). */
const CALL_COUNTER = { step: 'initialize', name: 'irsaCallCounter' } as const;

/** The AWS API calls made so far, by `<service>:<Operation>`. */
export type AwsCallCounts = Record<string, number>;

/** What the factory needs besides credentials. */
export interface AwsClientSettings {
  aws: AwsSettings;
  /** irsa.timeouts.awsMs */
  timeoutMs: number;
  /** Role to assume per account id (irsa.clusters[].awsRoleArn). */
  accountRoles?: Map<string, string>;
}

type CredentialProvider = AwsCredentialProvider['sdkCredentialProvider'];
/** What count() needs of a client's middleware stack (each client types it by its own commands). */
type CountableStack = {
  add(
    middleware: (next: (args: any) => Promise<any>, context: { commandName?: string }) => (args: any) => Promise<any>,
    options: typeof CALL_COUNTER,
  ): void;
};
type Sender = {
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
};

/**
 * AWS SDK clients per account, with credentials from Backstage's `aws` config
 * (`@backstage/integration-aws-node`, or the cluster's `awsRoleArn`) and the
 * endpoint override that only the sandbox uses.
 *
 * Every call is bounded: in time (irsa.timeouts.awsMs, shared by all AWS calls
 * of one request made within {@link runAsOneRequest}, else per call), in
 * number in flight (per request and per process), and throttling is retried
 * with the SDK's adaptive mode. Every client counts its calls: AWS IAM is rate
 * limited, and the number of calls per page view is a performance figure we track.
 */
export class AwsClientFactory {
  private readonly counts: AwsCallCounts = {};
  private readonly iamClients = new Map<string, Promise<IAMClient>>();
  private readonly eksClients = new Map<string, Promise<EKSClient>>();
  private readonly processSlots: Semaphore;
  private readonly credentials: AccountCredentials;

  static fromConfig(config: Config, irsa: IrsaConfig): AwsClientFactory {
    return new AwsClientFactory(DefaultAwsCredentialsManager.fromConfig(config), {
      aws: irsa.aws,
      timeoutMs: irsa.timeouts.awsMs,
      accountRoles: accountRoles(irsa.clusters),
    });
  }

  constructor(manager: AwsCredentialsManager, private readonly settings: AwsClientSettings) {
    this.processSlots = new Semaphore(settings.aws.concurrency.perProcess);
    this.credentials = new AccountCredentials(
      manager,
      settings.accountRoles ?? new Map(),
      credentials => this.sts(credentials),
    );
  }

  /** IAM client acting in `accountId` (IAM is global; the region only picks the endpoint). */
  iam(accountId: string): Promise<IAMClient> {
    return this.memo(this.iamClients, accountId, async () =>
      this.bounded(new IAMClient(await this.clientConfig(accountId, this.settings.aws.region)), 'iam'),
    );
  }

  /** EKS client acting in `accountId` and `region`. */
  eks(accountId: string, region: string): Promise<EKSClient> {
    return this.memo(this.eksClients, `${accountId}/${region}`, async () =>
      this.bounded(new EKSClient(await this.clientConfig(accountId, region)), 'eks'),
    );
  }

  /** The credentials the clients of `accountId` use (e.g. to sign an EKS token). */
  credentialsFor(accountId: string) {
    return this.credentials.forAccount(accountId);
  }

  /** A copy of the call counts so far. */
  callCounts(): AwsCallCounts {
    return { ...this.counts };
  }

  /** Total number of AWS calls so far. */
  totalCalls(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  /**
   * STS for AssumeRole. Timed and retried like the others, but outside the
   * concurrency caps: it runs inside a call that already holds a slot, and
   * waiting for a second one could deadlock.
   */
  private sts(credentials: CredentialProvider): STSClient {
    const client = new STSClient({ ...this.baseConfig(this.settings.aws.region), credentials });
    this.count(client, 'sts');
    return client;
  }

  private async clientConfig(accountId: string, region: string) {
    return {
      ...this.baseConfig(region),
      credentials: await this.credentials.forAccount(accountId),
    };
  }

  private baseConfig(region: string) {
    const { aws, timeoutMs } = this.settings;
    return {
      region,
      ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
      retryMode: 'adaptive',
      maxAttempts: aws.maxAttempts,
      // Per attempt; the deadline in limited() bounds the whole call, retries included.
      requestHandler: {
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        throwOnRequestTimeout: true,
      },
    };
  }

  /** Counts the client's calls and routes its `send` (paginators included) through limited(). */
  private bounded<C extends IAMClient | EKSClient>(client: C, service: string): C {
    this.count(client, service);
    // send() is overloaded; only the promise form is used in this plugin.
    const sender = client as unknown as Sender;
    const send = sender.send.bind(sender);
    sender.send = (command, options) =>
      this.limited(`${service}:${operationName(command)}`, signal =>
        send(command, { ...options, abortSignal: signal }),
      );
    return client;
  }

  /**
   * One AWS call within the request's and the process's caps, cut off at the
   * deadline (the request's, else its own) even while waiting for a slot or
   * between retries.
   */
  private async limited<T>(what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { timeoutMs, aws } = this.settings;
    const message = `AWS ${what} timed out: the AWS calls of one request may take ${timeoutMs} ms (irsa.timeouts.awsMs)`;
    const request = requestState(this, () => ({
      slots: new Semaphore(aws.concurrency.perRequest),
      signal: deadline(timeoutMs, `The AWS calls of one request took more than ${timeoutMs} ms`),
    }));
    const signal = request?.signal ?? deadline(timeoutMs, message);
    try {
      return await withSlot(request?.slots, signal, () =>
        withSlot(this.processSlots, signal, () => raceAbort(call(signal), signal)),
      );
    } catch (e) {
      if (signal.aborted) {
        throw new TimeoutError(message, { cause: e });
      }
      throw e;
    }
  }

  private count(client: { middlewareStack: CountableStack }, service: string) {
    client.middlewareStack.add(
      (next, context) => async args => {
        const key = `${service}:${String(context.commandName ?? 'unknown').replace(/Command$/, '')}`;
        this.counts[key] = (this.counts[key] ?? 0) + 1;
        return next(args);
      },
      CALL_COUNTER,
    );
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

function operationName(command: object): string {
  return command.constructor.name.replace(/Command$/, '');
}
