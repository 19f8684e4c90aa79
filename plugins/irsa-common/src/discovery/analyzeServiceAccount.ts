/**
 * Findings about a service account and the pods that run as it, found during
 * discovery: a bad, misspelt or dangling role annotation, a clamped token
 * lifetime, and pods the webhook did not (or not recently) inject.
 */
import { createFinding, sortFindings } from '../findings';
import { DEFAULT_AUDIENCE } from '../trust/canonical';
import { editDistance } from '../trust/typos';
import type { Finding } from '../types';
import { parseRoleArn } from '../validation';
import {
  AUDIENCE_ANNOTATION,
  ContainerLike,
  PodLike,
  ROLE_ARN_ANNOTATION,
  ServiceAccountLike,
  SKIP_CONTAINERS_ANNOTATION,
  TOKEN_EXPIRATION_ANNOTATION,
} from './kubernetes';

/** Limits the pod-identity webhook and EKS apply to the token lifetime. */
const MIN_TOKEN_EXPIRATION = 600;
const MAX_TOKEN_EXPIRATION = 86400;
const STATIC_KEY_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

/** The webhook's other annotations: close relatives, never misspellings. */
const SIBLING_ANNOTATIONS = new Set([
  AUDIENCE_ANNOTATION,
  TOKEN_EXPIRATION_ANNOTATION,
  SKIP_CONTAINERS_ANNOTATION,
  'eks.amazonaws.com/sts-regional-endpoints',
]);
/** Edits a key may be away from the role annotation and count as a typo. */
const MAX_KEY_EDITS = 3;

/**
 * Input of {@link analyzeServiceAccount}.
 *
 * @public
 */
export interface AnalyzeServiceAccountInput {
  /** The service account, e.g. a `V1ServiceAccount`. */
  serviceAccount: ServiceAccountLike;
  /**
   * Whether the annotated role exists in IAM; leave undefined when unknown
   * (e.g. the account is not readable).
   */
  roleExists?: boolean;
  /**
   * Pods running as the service account, e.g. `V1Pod`s; the pods of the
   * whole namespace may be passed: pods whose `spec.serviceAccountName`
   * (default `default`) names another service account are ignored.
   */
  pods?: PodLike[];
}

/**
 * What the pod-identity webhook did to one pod.
 *
 * @public
 */
export interface PodInjectionStatus {
  name: string;
  /** Every (non-skipped) container has AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE. */
  injected: boolean;
  /** The AWS_ROLE_ARN the containers carry, when injected. */
  injectedRoleArn?: string;
  /** Some container sets AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  staticCredentials: boolean;
}

/**
 * Output of {@link analyzeServiceAccount}.
 *
 * @public
 */
export interface AnalyzeServiceAccountResult {
  /** The annotation's role ARN, when present and valid. */
  roleArn?: string;
  /**
   * A misspelt role annotation (SA_ANNOTATION_KEY_TYPO): its key and value,
   * the role the service account was probably meant to use. Pods do not get
   * it, so `roleArn` stays unset.
   */
  roleAnnotationTypo?: { key: string; value: string };
  /** The token audience to verify trust with (annotation or default). */
  audience: string;
  /** The token lifetime the webhook will use, when the annotation is set. */
  tokenExpirationSeconds?: number;
  pods: PodInjectionStatus[];
  findings: Finding[];
}

function envOf(container: ContainerLike): Map<string, string | undefined> {
  return new Map((container.env ?? []).map(v => [v.name, v.value]));
}

function tokenExpirationFinding(value: string): {
  finding?: Finding;
  effective?: number;
} {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) {
    return {
      finding: createFinding(
        'SA_TOKEN_EXPIRATION_CLAMPED',
        `The ${TOKEN_EXPIRATION_ANNOTATION} annotation "${value}" is not a whole number of seconds; the webhook ignores it and uses ${MAX_TOKEN_EXPIRATION}.`,
        {
          hint: `Set a number of seconds between ${MIN_TOKEN_EXPIRATION} and ${MAX_TOKEN_EXPIRATION}, or remove the annotation.`,
        },
      ),
      effective: MAX_TOKEN_EXPIRATION,
    };
  }
  const seconds = Number(trimmed);
  if (seconds < MIN_TOKEN_EXPIRATION) {
    return {
      finding: createFinding(
        'SA_TOKEN_EXPIRATION_CLAMPED',
        `The ${TOKEN_EXPIRATION_ANNOTATION} annotation asks for ${seconds} seconds; the webhook raises it to ${MIN_TOKEN_EXPIRATION}.`,
        {
          hint: `Set at least ${MIN_TOKEN_EXPIRATION} so the configuration says what actually happens.`,
        },
      ),
      effective: MIN_TOKEN_EXPIRATION,
    };
  }
  if (seconds > MAX_TOKEN_EXPIRATION) {
    return {
      finding: createFinding(
        'SA_TOKEN_EXPIRATION_CLAMPED',
        `The ${TOKEN_EXPIRATION_ANNOTATION} annotation asks for ${seconds} seconds, over the ${MAX_TOKEN_EXPIRATION}-second (24 h) maximum; the token will not live that long.`,
        {
          hint: `Set at most ${MAX_TOKEN_EXPIRATION}; the SDKs refresh the token on their own.`,
        },
      ),
      effective: MAX_TOKEN_EXPIRATION,
    };
  }
  return { effective: seconds };
}

/**
 * A near miss of the role annotation's key: the same up to case, surrounding
 * spaces and a few edits. The webhook reads only the exact key. Keys of other
 * lengths are dismissed before any comparison, so a long key costs nothing.
 */
function isRoleArnKeyTypo(key: string): boolean {
  if (SIBLING_ANNOTATIONS.has(key)) return false;
  const folded = key.trim().toLowerCase();
  return (
    editDistance(folded, ROLE_ARN_ANNOTATION, MAX_KEY_EDITS) <= MAX_KEY_EDITS
  );
}

function roleKeyTypoFinding(key: string, value: string): Finding {
  return createFinding(
    'SA_ANNOTATION_KEY_TYPO',
    `The annotation "${key}"${
      value ? ` (${value})` : ''
    } is a near miss of ${ROLE_ARN_ANNOTATION}, which the service account lacks: the EKS pod identity webhook reads only the exact key, so its pods get no web identity and do not assume the role.`,
    {
      hint: `Annotate the service account with "${ROLE_ARN_ANNOTATION}" instead of "${key}", then restart its pods.`,
    },
  );
}

/** What the webhook left in a pod's containers. */
interface PodContainers {
  count: number;
  /** Containers (not skipped) without the web-identity variables. */
  notInjected: string[];
  /** Role ARNs injected that are not the service account's current one. */
  staleArns: Set<string>;
  /** Containers with static access keys. */
  withStaticKeys: string[];
  /** The first injected role ARN. */
  injectedRoleArn?: string;
}

function readContainers(pod: PodLike, roleArn: string): PodContainers {
  const skipped = new Set(
    (pod.metadata?.annotations?.[SKIP_CONTAINERS_ANNOTATION] ?? '')
      .split(',')
      .map(s => s.trim())
      .filter(Boolean),
  );
  const containers = [
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.containers ?? []),
  ];
  const read: PodContainers = {
    count: containers.length,
    notInjected: [],
    staleArns: new Set(),
    withStaticKeys: [],
  };
  for (const container of containers) {
    const env = envOf(container);
    if (STATIC_KEY_VARIABLES.some(v => env.has(v)))
      read.withStaticKeys.push(container.name);
    if (skipped.has(container.name)) continue;
    const arn = env.get('AWS_ROLE_ARN');
    if (arn === undefined || !env.has('AWS_WEB_IDENTITY_TOKEN_FILE')) {
      read.notInjected.push(container.name);
      continue;
    }
    read.injectedRoleArn ??= arn;
    if (arn !== roleArn) read.staleArns.add(arn);
  }
  return read;
}

function podFindings(
  name: string,
  read: PodContainers,
  roleArn: string,
): Finding[] {
  const { notInjected, staleArns, withStaticKeys } = read;
  const findings: Finding[] = [];
  if (notInjected.length > 0) {
    const one = notInjected.length === 1;
    findings.push(
      createFinding(
        'POD_NOT_INJECTED',
        `Pod ${name} runs as the service account but container${
          one ? '' : 's'
        } ${notInjected.join(', ')} ha${
          one ? 's' : 've'
        } no AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE: the AWS SDK there will not use the role.`,
        {
          podName: name,
          hint: 'Check that the pod-identity webhook runs in the cluster, then restart the pod (pods created before the annotation are not injected).',
        },
      ),
    );
  }
  if (staleArns.size > 0) {
    findings.push(
      createFinding(
        'POD_ROLE_STALE',
        `Pod ${name} carries AWS_ROLE_ARN ${[...staleArns].join(
          ', ',
        )}, but the service account now names ${roleArn}.`,
        {
          podName: name,
          hint: 'Restart the pod (e.g. kubectl rollout restart) to pick up the current role.',
        },
      ),
    );
  }
  if (withStaticKeys.length > 0) {
    findings.push(
      createFinding(
        'POD_STATIC_CREDENTIALS',
        `Pod ${name} sets AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in ${withStaticKeys.join(
          ', ',
        )}; the AWS SDKs prefer these static keys over the web identity, so the role is not used.`,
        {
          podName: name,
          hint: 'Remove the static keys from the pod spec (and rotate them).',
        },
      ),
    );
  }
  return findings;
}

function analyzePod(
  pod: PodLike,
  roleArn: string,
): { status: PodInjectionStatus; findings: Finding[] } {
  const name = pod.metadata?.name ?? '(unnamed pod)';
  const read = readContainers(pod, roleArn);
  return {
    status: {
      name,
      injected: read.notInjected.length === 0 && read.count > 0,
      injectedRoleArn: read.injectedRoleArn,
      staticCredentials: read.withStaticKeys.length > 0,
    },
    findings: podFindings(name, read, roleArn),
  };
}

/** Without the role annotation: a near miss of its key (SA_ANNOTATION_KEY_TYPO). */
function misspeltRoleAnnotation(
  annotations: { [key: string]: string },
  result: AnalyzeServiceAccountResult,
): Finding[] {
  const typos = Object.keys(annotations).filter(isRoleArnKeyTypo);
  if (typos.length) {
    result.roleAnnotationTypo = { key: typos[0], value: annotations[typos[0]] };
  }
  return typos.map(key => roleKeyTypoFinding(key, annotations[key]));
}

/** The annotated role: a valid ARN, an existing role, pods that use it. */
function annotatedRole(
  input: AnalyzeServiceAccountInput,
  annotated: string,
  result: AnalyzeServiceAccountResult,
): Finding[] {
  const roleArn = annotated.trim();
  if (!parseRoleArn(roleArn)) {
    return [
      createFinding(
        'SA_ANNOTATION_INVALID',
        `The ${ROLE_ARN_ANNOTATION} annotation "${annotated}" is not a valid IAM role ARN.`,
        {
          hint: 'Use the form arn:aws:iam::<12-digit account>:role/<role name>.',
        },
      ),
    ];
  }
  result.roleArn = roleArn;
  const findings: Finding[] = [];
  if (input.roleExists === false) {
    findings.push(
      createFinding(
        'SA_ROLE_NOT_FOUND',
        `The ${ROLE_ARN_ANNOTATION} annotation names ${roleArn}, which does not exist.`,
        {
          hint: 'Create the role (e.g. with the IRSA template) or correct the annotation.',
        },
      ),
    );
  }
  const saName = input.serviceAccount.metadata?.name;
  for (const pod of input.pods ?? []) {
    // A pod without serviceAccountName runs as "default".
    const podSa = pod.spec?.serviceAccountName || 'default';
    if (saName && podSa !== saName) continue;
    const analysis = analyzePod(pod, roleArn);
    result.pods.push(analysis.status);
    findings.push(...analysis.findings);
  }
  return findings;
}

/**
 * Checks a service account's IRSA annotations and the pods running as it:
 * SA_ANNOTATION_INVALID, SA_ROLE_NOT_FOUND, SA_ANNOTATION_KEY_TYPO,
 * SA_TOKEN_EXPIRATION_CLAMPED, POD_NOT_INJECTED, POD_ROLE_STALE and
 * POD_STATIC_CREDENTIALS. Without the role annotation, only a misspelt one
 * and the token lifetime are checked (the pods are not IRSA pods).
 *
 * @param input - the service account, whether its role exists, its pods
 * @public
 */
export function analyzeServiceAccount(
  input: AnalyzeServiceAccountInput,
): AnalyzeServiceAccountResult {
  const annotations = input.serviceAccount.metadata?.annotations ?? {};
  const annotated = annotations[ROLE_ARN_ANNOTATION];
  const audience = annotations[AUDIENCE_ANNOTATION]?.trim() || DEFAULT_AUDIENCE;
  const findings: Finding[] = [];
  const result: AnalyzeServiceAccountResult = { audience, pods: [], findings };

  const expiration = annotations[TOKEN_EXPIRATION_ANNOTATION];
  if (expiration !== undefined) {
    const { finding, effective } = tokenExpirationFinding(expiration);
    if (finding) findings.push(finding);
    result.tokenExpirationSeconds = effective;
  }

  findings.push(
    ...(annotated === undefined
      ? misspeltRoleAnnotation(annotations, result)
      : annotatedRole(input, annotated, result)),
  );
  result.findings = sortFindings(findings);
  return result;
}
