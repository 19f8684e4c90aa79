/*
 * Test doubles: an IamReader and a KubernetesReader over an estate held in memory. They
 * record every read, fail the reads a test names, and can hold their answers back so that
 * concurrent requests overlap. Nothing here talks to a server.
 */
import { AttachedPolicy, PodLike, RoleDetails, ServiceAccountLike } from '@irsa-backstage/plugin-irsa-common';
import { ClusterConfig } from '../service/config';
import { EksClusterRef, IamReader, OidcProvider, PolicyRef, RoleRef } from '../service/IamReader';
import { KubernetesReader, LabelQuery, Listed, ObjectRef } from '../service/KubernetesReader';
import { matchesLabels, parseLabelSelector } from '../service/labelSelector';

/** The bookkeeping both doubles share. */
abstract class RecordingReader {
  /** Every read so far, as `<method> <what>`, e.g. `readRole arn:aws:iam::…:role/x`. */
  readonly calls: string[] = [];
  private readonly failures: Array<{ call: RegExp; error: Error }> = [];
  private held: Promise<void> | undefined;

  /** Reads whose `<method> <what>` matches `call` reject with `error` from now on. */
  failWhen(call: RegExp, error: Error): void {
    this.failures.push({ call, error });
  }

  /** Forgets the failures: the estate answers again. */
  recover(): void {
    this.failures.length = 0;
  }

  /**
   * Starts `count` runs of `run` at once and holds back every read's answer until all of
   * them have had time to make their reads, so that identical reads overlap; their results.
   */
  async overlapping<T>(count: number, run: () => Promise<T>): Promise<T[]> {
    let release = () => {};
    this.held = new Promise(resolve => {
      release = resolve;
    });
    const runs = Promise.all(Array.from({ length: count }, () => run()));
    await new Promise(resolve => setTimeout(resolve, 10));
    this.held = undefined;
    release();
    return runs;
  }

  /** How many reads were made of `method`. */
  count(method: string): number {
    return this.calls.filter(c => c.startsWith(`${method} `)).length;
  }

  /** Records the read and answers a copy of `answer()`, as a server would: asynchronously. */
  protected async read<T>(method: string, what: string, answer: () => T): Promise<T> {
    const call = `${method} ${what}`;
    this.calls.push(call);
    await (this.held ?? Promise.resolve());
    const failure = this.failures.find(f => f.call.test(call));
    if (failure) throw failure.error;
    const value = answer();
    return value === undefined ? value : structuredClone(value);
  }
}

/** What an in-memory AWS holds, for {@link InMemoryIamReader}. */
export interface IamEstate {
  roles?: RoleDetails[];
  /** Managed policies read on their own (permissions boundaries), with their documents. */
  managedPolicies?: AttachedPolicy[];
  /** By account id. */
  oidcProviders?: Record<string, OidcProvider[]>;
  /** By `<accountId>/<region>/<eksClusterName>`. */
  clusterIssuers?: Record<string, string>;
}

export class InMemoryIamReader extends RecordingReader implements IamReader {
  constructor(private readonly estate: IamEstate = {}) {
    super();
  }

  readRole({ arn }: RoleRef) {
    return this.read('readRole', arn, () => this.estate.roles?.find(r => r.arn === arn));
  }

  readManagedPolicy({ arn }: PolicyRef) {
    return this.read('readManagedPolicy', arn, () => this.estate.managedPolicies?.find(p => p.arn === arn));
  }

  listOidcProviders(accountId: string) {
    return this.read('listOidcProviders', accountId, () => this.estate.oidcProviders?.[accountId] ?? []);
  }

  readTrustPolicy({ arn }: RoleRef) {
    return this.read('readTrustPolicy', arn, () => this.estate.roles?.find(r => r.arn === arn)?.trustPolicy);
  }

  readOidcProvider(accountId: string, arn: string) {
    return this.read('readOidcProvider', arn, () =>
      this.estate.oidcProviders?.[accountId]?.find(p => p.arn === arn),
    );
  }

  readClusterIssuer({ accountId, region, eksClusterName }: EksClusterRef) {
    const key = `${accountId}/${region}/${eksClusterName}`;
    return this.read('readClusterIssuer', key, () => {
      if (!this.estate.clusterIssuers || !(key in this.estate.clusterIssuers)) {
        // as EKS answers for a cluster it does not know
        throw Object.assign(new Error(`No cluster found for name: ${eksClusterName}.`), {
          name: 'ResourceNotFoundException',
        });
      }
      return this.estate.clusterIssuers[key] || undefined;
    });
  }
}

/** One cluster's objects, for {@link InMemoryKubernetesReader}. */
export interface ClusterObjects {
  serviceAccounts?: ServiceAccountLike[];
  pods?: PodLike[];
}

/**
 * The clusters' objects by cluster name. Lists stop at `maxItems` and say so, as the real
 * reader does at irsa.kubernetes.maxItems; a cluster it does not hold refuses connections.
 */
export class InMemoryKubernetesReader extends RecordingReader implements KubernetesReader {
  constructor(
    private readonly clusters: Record<string, ClusterObjects>,
    private readonly options: { maxItems?: number } = {},
  ) {
    super();
  }

  readServiceAccount(cluster: ClusterConfig, { namespace, name }: ObjectRef) {
    return this.read('readServiceAccount', `${cluster.name}/${namespace}/${name}`, () =>
      this.objects(cluster).serviceAccounts?.find(
        sa => sa.metadata?.namespace === namespace && sa.metadata?.name === name,
      ),
    );
  }

  listServiceAccounts(cluster: ClusterConfig, query: LabelQuery) {
    return this.read('listServiceAccounts', describeQuery(cluster, query), () =>
      this.list(this.objects(cluster).serviceAccounts, selects(query)),
    );
  }

  listPods(cluster: ClusterConfig, query: LabelQuery) {
    return this.read('listPods', describeQuery(cluster, query), () =>
      this.list(this.objects(cluster).pods, selects(query)),
    );
  }

  listPodsOf(cluster: ClusterConfig, { namespace, name }: ObjectRef) {
    return this.read('listPodsOf', `${cluster.name}/${namespace}/${name}`, () =>
      this.list(
        this.objects(cluster).pods,
        pod => pod.metadata?.namespace === namespace && (pod.spec?.serviceAccountName ?? 'default') === name,
      ),
    );
  }

  private objects(cluster: ClusterConfig): ClusterObjects {
    const objects = this.clusters[cluster.name];
    if (!objects) {
      throw new Error(`connect ECONNREFUSED ${cluster.url}`);
    }
    return objects;
  }

  private list<T>(items: T[] | undefined, keep: (item: T) => boolean): Listed<T> {
    const all = (items ?? []).filter(keep);
    const max = this.options.maxItems ?? Infinity;
    return { items: all.slice(0, max), truncated: all.length > max };
  }
}

function describeQuery(cluster: ClusterConfig, { labelSelector, namespace }: LabelQuery): string {
  return `${cluster.name}/${namespace ?? '*'} ${labelSelector}`;
}

/** Whether an object is in the query's namespace (if any) and matches its selector. */
function selects({ labelSelector, namespace }: LabelQuery) {
  const parsed = parseLabelSelector(labelSelector);
  if ('problem' in parsed) {
    // the API server would answer 400; discovery must never send one
    throw new Error(`invalid label selector ${JSON.stringify(labelSelector)}: ${parsed.problem}`);
  }
  return (object: ServiceAccountLike | PodLike) =>
    (namespace === undefined || object.metadata?.namespace === namespace) &&
    matchesLabels(parsed.requirements, object.metadata?.labels ?? {});
}
