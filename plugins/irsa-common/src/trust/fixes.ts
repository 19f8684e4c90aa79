/**
 * Mechanical corrections of a trust policy. Each fix edits one statement of a
 * (cloned) document in place and does nothing when its target is gone, so
 * several fixes can be applied one after the other.
 */
import type { PolicyConditionValue, PolicyStatement } from '../types';
import type { NormalizedPolicyDocument } from '../policy/parse';
import { cloneJson } from '../policy/parse';

/**
 * Edits a normalised trust policy in place. `reveals` marks fixes after
 * which the statement is evaluated further than before (its principal or
 * action starts to match, a key becomes this issuer's, an operator starts to
 * expand wildcards), so new findings may appear and the suggestion is
 * analysed again.
 */
export interface TrustFix {
  (document: NormalizedPolicyDocument): void;
  reveals?: boolean;
}

/** Marks a fix as one that may reveal further problems. */
export function revealing(fix: TrustFix): TrustFix {
  fix.reveals = true;
  return fix;
}

function statementAt(
  document: NormalizedPolicyDocument,
  index: number,
): PolicyStatement | undefined {
  const statement = document.Statement[index];
  return statement && typeof statement === 'object' ? statement : undefined;
}

function asList(
  value: PolicyConditionValue | PolicyConditionValue[] | undefined,
): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function asValue(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Several fixes as one, applied in order. */
export function allFixes(fixes: TrustFix[]): TrustFix {
  return document => fixes.forEach(fix => fix(document));
}

/** Replaces (or adds) the values of a condition entry; drops it when empty. */
function setConditionValues(
  statement: PolicyStatement,
  operator: string,
  key: string,
  values: string[],
): void {
  const condition = (statement.Condition ??= {});
  const block = (condition[operator] ??= {});
  if (values.length === 0) {
    delete block[key];
    if (Object.keys(block).length === 0) delete condition[operator];
  } else {
    block[key] = asValue(unique(values));
  }
}

/** Replaces one value of a condition entry with another. */
export function replaceConditionValue(
  index: number,
  operator: string,
  key: string,
  from: string,
  to: string,
): TrustFix {
  return document => {
    const statement = statementAt(document, index);
    const current = asList(statement?.Condition?.[operator]?.[key]);
    if (!statement || !current.includes(from)) return;
    setConditionValues(
      statement,
      operator,
      key,
      current.map(value => (value === from ? to : value)),
    );
  };
}

/** Adds a value to a condition entry, creating the entry if needed. */
export function addConditionValue(
  index: number,
  operator: string,
  key: string,
  value: string,
): TrustFix {
  return document => {
    const statement = statementAt(document, index);
    if (!statement) return;
    // Reuse an operator block that differs only in case, e.g. "stringequals".
    const existing =
      Object.keys(statement.Condition ?? {}).find(
        name => name.toLowerCase() === operator.toLowerCase(),
      ) ?? operator;
    const existingKey =
      Object.keys(statement.Condition?.[existing] ?? {}).find(
        name => name.toLowerCase() === key.toLowerCase(),
      ) ?? key;
    const current = asList(statement.Condition?.[existing]?.[existingKey]);
    setConditionValues(statement, existing, existingKey, [...current, value]);
  };
}

/** Renames a condition key, merging with an entry already under the new name. */
export function renameConditionKey(
  index: number,
  operator: string,
  from: string,
  to: string,
): TrustFix {
  return document => {
    const statement = statementAt(document, index);
    const block = statement?.Condition?.[operator];
    if (!statement || !block || !(from in block)) return;
    const moved = asList(block[from]);
    delete block[from];
    const target =
      Object.keys(block).find(
        name => name.toLowerCase() === to.toLowerCase(),
      ) ?? to;
    setConditionValues(statement, operator, target, [
      ...asList(block[target]),
      ...moved,
    ]);
  };
}

/** Moves a condition entry to another operator (e.g. StringEquals to StringLike). */
export function moveConditionEntry(
  index: number,
  fromOperator: string,
  toOperator: string,
  key: string,
): TrustFix {
  return document => {
    const statement = statementAt(document, index);
    const block = statement?.Condition?.[fromOperator];
    if (!statement || !block || !(key in block)) return;
    const moved = asList(block[key]);
    setConditionValues(statement, fromOperator, key, []);
    const current = asList(statement.Condition?.[toOperator]?.[key]);
    setConditionValues(statement, toOperator, key, [...current, ...moved]);
  };
}

/** Replaces one Federated principal value with another. */
export function replaceFederatedPrincipal(
  index: number,
  from: string,
  to: string,
): TrustFix {
  return document => {
    const statement = statementAt(document, index);
    const principal = statement?.Principal;
    if (!statement || !principal || principal === '*') return;
    const type = Object.keys(principal).find(
      t => t.toLowerCase() === 'federated',
    );
    if (!type) return;
    const values = asList(principal[type]).map(v => (v === from ? to : v));
    principal[type] = asValue(unique(values));
  };
}

/** Adds an action to a statement's Action element. */
export function addAction(index: number, action: string): TrustFix {
  return document => {
    const statement = statementAt(document, index);
    if (!statement || statement.Action === undefined) return;
    statement.Action = asValue(unique([...asList(statement.Action), action]));
  };
}

/** Appends a statement. */
export function appendStatement(statement: PolicyStatement): TrustFix {
  return document => {
    document.Statement.push(cloneJson(statement));
  };
}

/** Replaces the whole document. */
export function replaceDocument(
  replacement: NormalizedPolicyDocument,
): TrustFix {
  return document => {
    for (const key of Object.keys(document)) {
      delete (document as unknown as Record<string, unknown>)[key];
    }
    Object.assign(document, cloneJson(replacement));
  };
}

/** Applies fixes to a copy of a document. */
export function applyFixes(
  document: NormalizedPolicyDocument,
  fixes: TrustFix[],
): NormalizedPolicyDocument {
  const copy = cloneJson(document);
  for (const fix of fixes) fix(copy);
  return copy;
}
