/**
 * Checks the simulator's input and reads it into what evaluation needs. The
 * input may come straight from an HTTP body, so every field is checked at
 * run time whatever its declared type, and each problem names its field.
 */
import type { CacheTables } from '../analysisCache';
import type { ParsedStatement } from '../policy/parse';
import type { PolicyDocument } from '../types';
import type {
  SimulatePermissionInput,
  SimulationInputProblem,
  SimulationPolicyRef,
} from './types';

/** A policy of the role, parsed. */
export interface ReadPolicy {
  ref: SimulationPolicyRef;
  statements: readonly ParsedStatement[];
  /** `2012-10-17`: `${...}` in Resource values are policy variables. */
  substitutesVariables: boolean;
}

/** The request and the role's policies, checked. */
export interface SimulationRequest {
  action: string;
  resource: string;
  /** Values by lower-case key; a key not in the map was not given. */
  context: ReadonlyMap<string, readonly string[]>;
  identityPolicies: ReadPolicy[];
  /** Undefined when the role has no permissions boundary. */
  boundary?: ReadPolicy;
}

// Service prefixes are lower-case words with dashes; action names are
// letters and digits (one AWS action has a dash). Case is not checked: IAM
// compares action names case-insensitively.
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9-]+$/;
const PARTITION = /^aws(-[a-z]+)*$/;
const SERVICE = /^[a-z0-9-]+$/;
// Region and account may be empty (S3, IAM); the account may be `aws`
// (AWS managed policies).
const REGION_OR_ACCOUNT = /^[a-z0-9-]*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What is wrong with the request's action, if anything. */
export function actionProblem(action: unknown): string | undefined {
  if (typeof action !== 'string')
    return 'must be a string such as "s3:GetObject"';
  if (action.includes('*') || action.includes('?')) {
    return `"${action}" has a wildcard: a request names one action, e.g. "s3:GetObject"`;
  }
  return ACTION.test(action)
    ? undefined
    : `"${action}" must look like "service:Action", e.g. "s3:GetObject"`;
}

/** What is wrong with the request's resource, if anything. */
export function resourceProblem(resource: unknown): string | undefined {
  if (typeof resource !== 'string') return 'must be an ARN or "*"';
  if (resource === '*') return undefined;
  if (resource.includes('*') || resource.includes('?')) {
    return `"${resource}" has a wildcard: a request is on one resource (name its ARN), or "*" for an action on no particular resource`;
  }
  const [arn, partition, service, region, account, ...rest] =
    resource.split(':');
  const name = rest.join(':');
  const valid =
    arn === 'arn' &&
    !/\s/.test(resource) &&
    PARTITION.test(partition ?? '') &&
    SERVICE.test(service ?? '') &&
    REGION_OR_ACCOUNT.test(region ?? '') &&
    REGION_OR_ACCOUNT.test(account ?? '') &&
    name.length > 0;
  return valid
    ? undefined
    : `"${resource}" is not an ARN (arn:partition:service:region:account:resource) or "*"`;
}

/** The context's values by lower-case key; problems for bad entries. */
export function readContext(
  context: unknown,
  problems: SimulationInputProblem[],
): Map<string, readonly string[]> {
  const values = new Map<string, readonly string[]>();
  if (context === undefined || context === null) return values;
  if (!isRecord(context)) {
    problems.push({
      field: 'context',
      message: 'must be an object of condition keys to values',
    });
    return values;
  }
  const spelled = new Map<string, string>();
  for (const [key, value] of Object.entries(context)) {
    const field = `context["${key}"]`;
    const list = Array.isArray(value) ? value : [value];
    if (key.length === 0) {
      problems.push({ field, message: 'a condition key must not be empty' });
    } else if (!list.every(item => typeof item === 'string')) {
      problems.push({
        field,
        message: 'must be a string or a list of strings',
      });
    } else if (spelled.has(key.toLowerCase())) {
      problems.push({
        field,
        message: `is the same key as "${spelled.get(
          key.toLowerCase(),
        )}": IAM compares condition keys case-insensitively`,
      });
    } else {
      spelled.set(key.toLowerCase(), key);
      values.set(key.toLowerCase(), list as string[]);
    }
  }
  return values;
}

/** Name and ARN of a policy, checked; problems under `field`. */
function policyNames(
  raw: Record<string, unknown>,
  field: string,
  problems: SimulationInputProblem[],
): { name?: string; arn?: string } {
  const names: { name?: string; arn?: string } = {};
  for (const key of ['name', 'arn'] as const) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' && value.length > 0) names[key] = value;
    else
      problems.push({
        field: `${field}.${key}`,
        message: 'must be a non-empty string',
      });
  }
  return names;
}

/** Parses a policy document; its problems under `field.document`. */
function readDocument(
  document: unknown,
  field: string,
  cache: CacheTables,
  problems: SimulationInputProblem[],
): Omit<ReadPolicy, 'ref'> | undefined {
  if (typeof document !== 'string' && !isRecord(document)) {
    problems.push({
      field: `${field}.document`,
      message:
        'must be a policy document: an object, JSON text or URL-encoded JSON text',
    });
    return undefined;
  }
  const parsed = cache.parsedPolicy(
    document as string | PolicyDocument,
    'permission',
  );
  if (!parsed.ok) {
    for (const message of parsed.problems) {
      problems.push({ field: `${field}.document`, message });
    }
    return undefined;
  }
  return {
    statements: parsed.policy.statements,
    substitutesVariables: parsed.policy.document.Version === '2012-10-17',
  };
}

/** One identity policy: kind, a name or ARN, a valid document. */
function readIdentityPolicy(
  raw: unknown,
  field: string,
  cache: CacheTables,
  problems: SimulationInputProblem[],
): ReadPolicy | undefined {
  if (!isRecord(raw)) {
    problems.push({
      field,
      message: 'must be an object with kind, name or arn, and document',
    });
    return undefined;
  }
  const kind = raw.kind;
  if (kind !== 'managed' && kind !== 'inline') {
    problems.push({
      field: `${field}.kind`,
      message: 'must be "managed" or "inline"',
    });
  }
  const names = policyNames(raw, field, problems);
  if (!names.name && !names.arn) {
    problems.push({
      field,
      message: 'needs a name or an arn, to say which policy decided',
    });
  }
  const read = readDocument(raw.document, field, cache, problems);
  if (!read || (kind !== 'managed' && kind !== 'inline')) return undefined;
  return { ref: { kind, ...names }, ...read };
}

/** The identity policies, in the order given. */
function readIdentityPolicies(
  raw: unknown,
  cache: CacheTables,
  problems: SimulationInputProblem[],
): ReadPolicy[] {
  if (!Array.isArray(raw)) {
    problems.push({
      field: 'identityPolicies',
      message: 'must be a list of policies (it may be empty)',
    });
    return [];
  }
  const policies: ReadPolicy[] = [];
  raw.forEach((policy, index) => {
    const read = readIdentityPolicy(
      policy,
      `identityPolicies[${index}]`,
      cache,
      problems,
    );
    if (read) policies.push(read);
  });
  return policies;
}

/** The permissions boundary, if the role has one. */
function readBoundary(
  raw: unknown,
  cache: CacheTables,
  problems: SimulationInputProblem[],
): ReadPolicy | undefined {
  if (raw === undefined || raw === null) return undefined;
  const field = 'permissionsBoundary';
  if (!isRecord(raw)) {
    problems.push({
      field,
      message: 'must be an object with a document (and a name or arn), or null',
    });
    return undefined;
  }
  const names = policyNames(raw, field, problems);
  const read = readDocument(raw.document, field, cache, problems);
  return read && { ref: { kind: 'boundary', ...names }, ...read };
}

/**
 * Checks every field of the input; the request ready for evaluation, or
 * every problem found.
 */
export function readSimulationInput(
  input: SimulatePermissionInput,
  cache: CacheTables,
):
  | { ok: true; request: SimulationRequest }
  | { ok: false; problems: SimulationInputProblem[] } {
  if (!isRecord(input)) {
    return {
      ok: false,
      problems: [{ field: 'input', message: 'must be an object' }],
    };
  }
  const problems: SimulationInputProblem[] = [];
  const action = actionProblem(input.action);
  if (action) problems.push({ field: 'action', message: action });
  const resource = resourceProblem(input.resource);
  if (resource) problems.push({ field: 'resource', message: resource });
  const context = readContext(input.context, problems);
  const identityPolicies = readIdentityPolicies(
    input.identityPolicies,
    cache,
    problems,
  );
  const boundary = readBoundary(input.permissionsBoundary, cache, problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    request: {
      action: input.action,
      resource: input.resource,
      context,
      identityPolicies,
      boundary,
    },
  };
}
