/**
 * Access levels of IAM actions, read from the generated table (see
 * scripts/generate-access-levels.js). Wildcard expansion is in actionIndex.ts.
 */
import { ACCESS_LEVEL_TABLE } from '../generated/accessLevels';
import type { AccessLevel } from '../schema/openapi/generated';

// The access levels are part of the API contract (PermissionSummary).
export type { AccessLevel };

const LEVEL_BY_CODE: Record<string, AccessLevel> = {
  r: 'Read',
  l: 'List',
  w: 'Write',
  p: 'Permissions management',
  t: 'Tagging',
};

/** What the table knows about one action; one shared object per action. */
export interface ActionInfo {
  /** `service:action`, lower case. */
  name: string;
  service: string;
  level: AccessLevel;
  /** The action supports no resource types: `"*"` is its only possible Resource. */
  resourceless: boolean;
  /**
   * Its number, from 0 up: its bit in an ActionSet. Numbered service by
   * service as they are decoded, so a service's actions have consecutive
   * numbers, in table order.
   */
  id: number;
}

// The table itself, decoded service by service on first use: constant data of
// a fixed size, not a cache. It is shared by every analysis because the
// permission analysis counts actions by the identity of their entries.
const decodedServices = new Map<string, Map<string, ActionInfo>>();
/** The decoded actions by number. */
const byId: ActionInfo[] = [];

function decodeService(
  service: string,
  encoded: string,
): Map<string, ActionInfo> {
  const decoded = new Map<string, Pick<ActionInfo, 'level' | 'resourceless'>>();
  for (const group of encoded.split('|')) {
    const level = LEVEL_BY_CODE[group[0]];
    const resourceless = group[1] === '*';
    const body = group.slice(resourceless ? 2 : 1);
    let previous = '';
    // Each name starts with an upper-case letter: the length of the prefix
    // it shares with the previous name.
    for (const entry of body.match(/[A-Z][^A-Z]*/g) ?? []) {
      const action =
        previous.slice(0, entry.charCodeAt(0) - 65) + entry.slice(1);
      decoded.set(action, { level, resourceless });
      previous = action;
    }
  }
  // Numbered once the names are known, so that they stay consecutive.
  const actions = new Map<string, ActionInfo>();
  for (const [action, { level, resourceless }] of decoded) {
    const name = `${service}:${action}`;
    const info = { name, service, level, resourceless, id: byId.length };
    actions.set(action, info);
    byId.push(info);
  }
  return actions;
}

/** The action numbered `id` (see ActionInfo.id); its service is decoded. */
export function actionById(id: number): ActionInfo {
  return byId[id];
}

/** The actions of a service (lower-case names), or undefined if unknown. */
export function serviceActions(
  service: string,
): Map<string, ActionInfo> | undefined {
  const key = service.toLowerCase();
  let actions = decodedServices.get(key);
  if (!actions) {
    const encoded = Object.prototype.hasOwnProperty.call(
      ACCESS_LEVEL_TABLE,
      key,
    )
      ? ACCESS_LEVEL_TABLE[key]
      : undefined;
    if (encoded === undefined) return undefined;
    actions = decodeService(key, encoded);
    decodedServices.set(key, actions);
  }
  return actions;
}

/**
 * Every IAM service prefix the table knows (`s3`, `iam`, ...).
 *
 * @internal
 */
export function listIamServices(): string[] {
  return Object.keys(ACCESS_LEVEL_TABLE);
}

let allActions: ActionInfo[] | undefined;

/** Every action of every service (decodes the whole table on first use). */
export function allActionInfos(): readonly ActionInfo[] {
  if (!allActions) {
    allActions = listIamServices().flatMap(service => [
      ...serviceActions(service)!.values(),
    ]);
  }
  return allActions;
}

/** Table entry of an action such as `s3:GetObject` (case-insensitive). */
export function actionInfo(action: string): ActionInfo | undefined {
  const colon = action.indexOf(':');
  if (colon === -1) return undefined;
  return serviceActions(action.slice(0, colon))?.get(
    action.slice(colon + 1).toLowerCase(),
  );
}

/**
 * The access level of an action such as `s3:GetObject` (case-insensitive);
 * undefined for actions the table does not know.
 *
 * @internal
 */
export function getActionAccessLevel(action: string): AccessLevel | undefined {
  return actionInfo(action)?.level;
}
