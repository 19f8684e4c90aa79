import {
  AnalysisCache,
  analyzeRoleUsage,
  analyzeServiceAccount,
  Finding,
  highestSeverity,
  InventoryBinding,
  parseRoleArn,
  PodLike,
  RoleDetails,
  roleReviewHash,
  ROLE_ARN_ANNOTATION,
  ServiceAccountLike,
  sortFindings,
} from '@irsa-backstage/plugin-irsa-common';
import { createHash } from 'node:crypto';
import {
  analyzeBinding,
  analyzeRolePermissions,
} from '../service/analyzeBinding';
import { ENTITY_REF_TAG, KUBERNETES_ID_LABEL } from '../service/entityLinks';
import { OidcProvider } from '../service/IamReader';
import {
  CLUSTER_TAG,
  SERVICE_ACCOUNT_TAG,
} from '../provision/ProvisionRequestValidator';

/** A cluster as the inventory read it. */
export interface InventoryCluster {
  name: string;
  /** Undefined when its issuer could not be read: its roles are not analysed for trust. */
  issuer?: string;
  serviceAccounts: ServiceAccountLike[];
  pods: PodLike[];
}

/** A catalog entity that can own bindings. */
export interface InventoryEntity {
  ref: string;
  owner?: string;
  /** Its `backstage.io/kubernetes-id`. */
  kubernetesId?: string;
  /** Its `irsa.backstage.io/service-accounts` entries (`cluster` may be `*`). */
  serviceAccounts: Array<{ cluster: string; namespace: string; name: string }>;
}

export interface InventoryInput {
  clusters: InventoryCluster[];
  /** The roles of every account read, by ARN. */
  roles: Map<string, RoleDetails>;
  /** The accounts whose roles were read (a role of another account is unknown, not missing). */
  accountsRead: Set<string>;
  providers: Map<string, OidcProvider[]>;
  entities: InventoryEntity[];
  refreshedAt: string;
  cache: AnalysisCache;
}


/** Which entity (and owner) a service account or a role belongs to. */
class EntityIndex {
  private readonly byRef = new Map<string, InventoryEntity>();
  private readonly byKubernetesId = new Map<string, InventoryEntity>();
  private readonly byServiceAccount = new Map<string, InventoryEntity>();

  constructor(entities: InventoryEntity[]) {
    for (const e of entities) {
      this.byRef.set(e.ref, e);
      if (e.kubernetesId) this.byKubernetesId.set(e.kubernetesId, e);
      for (const sa of e.serviceAccounts) {
        this.byServiceAccount.set(
          `${sa.cluster}/${sa.namespace}/${sa.name}`,
          e,
        );
      }
    }
  }

  forServiceAccount(cluster: string, sa: ServiceAccountLike) {
    const { namespace, name, labels } = sa.metadata ?? {};
    const entity =
      this.byServiceAccount.get(`${cluster}/${namespace}/${name}`) ??
      this.byServiceAccount.get(`*/${namespace}/${name}`) ??
      this.byKubernetesId.get(labels?.[KUBERNETES_ID_LABEL] ?? '');
    return described(entity);
  }

  forRole(role: RoleDetails) {
    const ref = role.tags[ENTITY_REF_TAG];
    const entity = ref ? this.byRef.get(ref) : undefined;
    if (entity) return described(entity);
    return ref ? { entityRef: ref } : {};
  }
}

function described(entity: InventoryEntity | undefined) {
  if (!entity) return {};
  return {
    entityRef: entity.ref,
    ...(entity.owner ? { owner: entity.owner } : {}),
  };
}

/**
 * The estate's bindings by the three linking rules: every service account
 * annotated with a role; every role that trusts a known cluster's issuer and
 * no service account names (ROLE_NO_SERVICE_ACCOUNT when its subject does
 * not exist); every role tagged `backstage.io/entity-ref` that neither rule
 * found. Pure: everything was read before.
 */
export function buildInventory(input: InventoryInput): InventoryBinding[] {
  const owners = new EntityIndex(input.entities);
  const annotated = input.clusters.flatMap(c =>
    c.serviceAccounts
      .filter(sa => sa.metadata?.annotations?.[ROLE_ARN_ANNOTATION])
      .map(sa => annotationBinding(input, owners, c, sa)),
  );
  const used = new Set(annotated.map(b => b.roleArn));
  const trusted = [...input.roles.values()]
    .filter(r => !used.has(r.arn))
    .map(r => trustBinding(input, owners, r))
    .filter((b): b is InventoryBinding => b !== undefined);
  trusted.forEach(b => used.add(b.roleArn));
  const tagged = [...input.roles.values()]
    .filter(r => !used.has(r.arn) && r.tags[ENTITY_REF_TAG])
    .map(r => tagBinding(input, owners, r));
  return [...annotated, ...trusted, ...tagged];
}

function annotationBinding(
  input: InventoryInput,
  owners: EntityIndex,
  cluster: InventoryCluster,
  sa: ServiceAccountLike,
): InventoryBinding {
  const namespace = sa.metadata!.namespace!;
  const name = sa.metadata!.name!;
  const roleArn = sa.metadata!.annotations![ROLE_ARN_ANNOTATION];
  const account = parseRoleArn(roleArn)?.accountId;
  const role = input.roles.get(roleArn);
  const known = account !== undefined && input.accountsRead.has(account);
  const analysis = analyzeBinding({
    serviceAccount: sa,
    pods: podsOf(cluster, namespace, name),
    role,
    roleExists: known ? role !== undefined : undefined,
    issuer: cluster.issuer,
    providers: account ? input.providers.get(account) ?? null : null,
    cache: input.cache,
  });
  const entity = owners.forServiceAccount(cluster.name, sa);
  return finish(
    input,
    'annotation',
    {
      cluster: cluster.name,
      namespace,
      serviceAccount: name,
      serviceAccountExists: true,
      roleArn,
      ...(known ? { roleExists: role !== undefined } : {}),
      ...(role ? { roleHash: roleReviewHash(role) } : {}),
      ...(analysis.verdict ? { allowed: analysis.verdict.allowed } : {}),
      ...entity,
    },
    analysis.findings,
  );
}

function trustBinding(
  input: InventoryInput,
  owners: EntityIndex,
  role: RoleDetails,
): InventoryBinding | undefined {
  const clusters = input.clusters
    .filter(c => c.issuer !== undefined)
    .map(c => ({
      name: c.name,
      oidcIssuer: c.issuer!,
      serviceAccounts: c.serviceAccounts.map(sa => ({
        namespace: sa.metadata!.namespace!,
        name: sa.metadata!.name!,
      })),
    }));
  const usage = analyzeRoleUsage({
    roleArn: role.arn,
    trustPolicy: role.trustPolicy,
    clusters,
    cache: input.cache,
  });
  const subject =
    usage.trustedSubjects.find(t => t.name !== undefined) ??
    usage.trustedSubjects[0];
  if (!subject) return undefined;
  const cluster = input.clusters.find(c => c.name === subject.cluster)!;
  const sa = subject.name
    ? cluster.serviceAccounts.find(
        s =>
          s.metadata?.namespace === subject.namespace &&
          s.metadata?.name === subject.name,
      )
    : undefined;
  const entity = sa
    ? owners.forServiceAccount(cluster.name, sa)
    : owners.forRole(role);
  const permissions = analyzeRolePermissions(role, input.cache);
  return finish(
    input,
    'trust',
    {
      cluster: cluster.name,
      ...(subject.namespace ? { namespace: subject.namespace } : {}),
      ...(subject.name
        ? {
            serviceAccount: subject.name,
            serviceAccountExists: sa !== undefined,
          }
        : {}),
      roleArn: role.arn,
      roleExists: true,
      roleHash: roleReviewHash(role),
      ...entity,
    },
    [...usage.findings, ...annotationTypo(sa), ...permissions.findings],
  );
}

/**
 * The misspelt role annotation of a trusted service account that no role
 * annotation binds: why its pods do not get the role the trust policy is for.
 * Its other findings concern the role it does name, a binding of its own.
 */
function annotationTypo(sa: ServiceAccountLike | undefined): Finding[] {
  if (!sa) return [];
  return analyzeServiceAccount({ serviceAccount: sa }).findings.filter(
    f => f.code === 'SA_ANNOTATION_KEY_TYPO',
  );
}

function tagBinding(
  input: InventoryInput,
  owners: EntityIndex,
  role: RoleDetails,
): InventoryBinding {
  const permissions = analyzeRolePermissions(role, input.cache);
  return finish(
    input,
    'tag',
    {
      ...provisionedFor(input, role),
      roleArn: role.arn,
      roleExists: true,
      roleHash: roleReviewHash(role),
      ...owners.forRole(role),
    },
    permissions.findings,
  );
}

/**
 * The service account provisioning made the role for, from the tags it writes
 * (`irsa.backstage.io/cluster`, `irsa.backstage.io/service-account`: namespace/name);
 * nothing when they do not name one.
 */
function provisionedFor(input: InventoryInput, role: RoleDetails) {
  const cluster = role.tags[CLUSTER_TAG];
  const [namespace, name, ...rest] = (
    role.tags[SERVICE_ACCOUNT_TAG] ?? ''
  ).split('/');
  if (!cluster || !namespace || !name || rest.length > 0) return {};
  const exists = input.clusters
    .find(c => c.name === cluster)
    ?.serviceAccounts.some(
      sa => sa.metadata?.namespace === namespace && sa.metadata?.name === name,
    );
  return {
    cluster,
    namespace,
    serviceAccount: name,
    serviceAccountExists: exists ?? false,
  };
}

type BindingFields = Omit<
  InventoryBinding,
  'id' | 'source' | 'findings' | 'stale' | 'refreshedAt' | 'severity'
>;

function finish(
  input: InventoryInput,
  source: InventoryBinding['source'],
  fields: BindingFields,
  findings: Finding[],
): InventoryBinding {
  const sorted = sortFindings(findings);
  const severity = highestSeverity(sorted);
  const key = [
    source,
    fields.cluster,
    fields.namespace,
    fields.serviceAccount,
    fields.roleArn,
  ].join('|');
  return {
    id: createHash('sha256').update(key).digest('hex').slice(0, 40),
    source,
    ...fields,
    ...(severity ? { severity } : {}),
    findings: sorted,
    stale: false,
    refreshedAt: input.refreshedAt,
  };
}

function podsOf(
  cluster: InventoryCluster,
  namespace: string,
  name: string,
): PodLike[] {
  return cluster.pods.filter(
    p =>
      p.metadata?.namespace === namespace &&
      (p.spec?.serviceAccountName ?? 'default') === name,
  );
}
