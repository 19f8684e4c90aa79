/**
 * The sentence a person reads beside a simulated decision: what was decided
 * and which statements decided it, named as the IAM console names them.
 */
import type { Decision, StatementsByRole } from './decide';
import type { StatementOutcome } from './evaluate';
import type { SimulationPolicyRef } from './types';

function policyLabel(policy: SimulationPolicyRef): string {
  if (policy.kind === 'boundary') {
    const name = policy.arn ?? policy.name;
    return name ? `permissions boundary "${name}"` : 'the permissions boundary';
  }
  if (policy.kind === 'inline')
    return `inline policy "${policy.name ?? policy.arn}"`;
  return `managed policy "${policy.arn ?? policy.name}"`;
}

function statementLabel(outcome: StatementOutcome): string {
  const { index, sid } = outcome.statement;
  return `${policyLabel(outcome.policy)} statement ${index}${
    sid ? ` (${sid})` : ''
  }`;
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function statements(outcomes: readonly StatementOutcome[]): string {
  return listed(outcomes.map(statementLabel));
}

/** `allows` for one statement, `allow` for several. */
function verb(outcomes: readonly StatementOutcome[], singular: string): string {
  return outcomes.length === 1 ? singular : singular.slice(0, -1);
}

/** What each still-open question of an undecided request is. */
function openQuestions(decision: Decision, byRole: StatementsByRole): string[] {
  const among = (outcomes: readonly StatementOutcome[]) =>
    decision.deciding.filter(o => outcomes.includes(o));
  const questions: string[] = [];
  const denies = among(byRole.denies);
  if (denies.length)
    questions.push(
      `whether ${statements(denies)} ${verb(denies, 'denies')} it`,
    );
  const allows = among(byRole.identityAllows);
  if (allows.length)
    questions.push(
      `whether ${statements(allows)} ${verb(allows, 'allows')} it`,
    );
  const boundary = among(byRole.boundaryAllows ?? []);
  if (boundary.length) {
    questions.push(
      `whether the permissions boundary allows it (${statements(boundary)})`,
    );
  }
  return questions;
}

/** One or two sentences saying why the request is decided as it is. */
export function explainDecision(
  decision: Decision,
  byRole: StatementsByRole,
  request: { action: string; resource: string; missingKeys: readonly string[] },
): string {
  const what = `${request.action} on ${request.resource}`;
  const { deciding } = decision;
  switch (decision.reason) {
    case 'explicit-deny':
      return `Denied explicitly: ${statements(deciding)} ${verb(
        deciding,
        'denies',
      )} ${what}; an explicit Deny overrides every Allow.`;
    case 'implicit-deny':
      return `Denied implicitly: no statement of the role's identity policies allows ${what}.`;
    case 'boundary':
      return `Denied implicitly by the permissions boundary: ${
        deciding.length ? statements(deciding) : 'the identity policies'
      } ${verb(
        deciding,
        'allows',
      )} ${what}, but no statement of the permissions boundary does.`;
    case 'allowed': {
      const identity = deciding.filter(o => o.policy.kind !== 'boundary');
      const boundary = deciding.filter(o => o.policy.kind === 'boundary');
      return `Allowed: ${statements(identity)} ${verb(
        identity,
        'allows',
      )} ${what}${
        byRole.boundaryAllows
          ? `, within the permissions boundary (${statements(boundary)})`
          : ''
      }, and no Deny statement applies.`;
    }
    default:
      return `Undecided: ${listed(
        openQuestions(decision, byRole),
      )} depends on context keys the request context does not give (${request.missingKeys.join(
        ', ',
      )}). Give them in the context; an empty list says the request lacks a key.`;
  }
}
