import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { adminBinding, allowedBinding } from '../__fixtures__/bindings';
import { PermissionsTable } from './PermissionsTable';

function rowOf(policy: string, kind: string) {
  const rows = screen
    .getAllByTestId('irsa-permission-row')
    .filter(
      r =>
        r.getAttribute('data-policy') === policy &&
        r.getAttribute('data-policy-kind') === kind,
    );
  expect(rows).toHaveLength(1);
  return rows[0];
}

describe('PermissionsTable', () => {
  it('gives one row per statement: managed, inline and boundary, with effect, resources and conditions', async () => {
    await renderInTestApp(
      <PermissionsTable
        statements={allowedBinding.permissions!.statements!}
        idPrefix="t"
      />,
    );
    const table = screen.getByRole('table', {
      name: 'Permission policy statements',
    });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Policy',
      'Effect',
      'Actions',
      'Resources',
      'Conditions',
      'Findings',
    ]);
    const managed = rowOf('AmazonS3ReadOnlyAccess', 'managed');
    expect(managed).toHaveTextContent(
      'managedAmazonS3ReadOnlyAccessstatement 0',
    );
    expect(managed).toHaveTextContent('Allow');
    expect(managed).toHaveTextContent(/s3:Get\* \(\d+ actions\)/);
    expect(managed).toHaveTextContent('* (every resource)');
    expect(managed).toHaveTextContent('none');
    expect(managed).toHaveAttribute('data-risky', 'false');
    expect(
      within(managed).getByTestId('irsa-permission-summary'),
    ).toHaveTextContent(/^\d+ actions in 1 service$/);
    expect(
      within(managed).getByTestId('irsa-permission-levels'),
    ).toHaveTextContent(/^List \d+ · Read \d+$/);
    const boundary = rowOf('irsa-boundary', 'boundary');
    expect(boundary).toHaveTextContent('boundary');
    expect(
      within(boundary).getByTestId('irsa-permission-summary'),
    ).toHaveTextContent(/actions in 3 services$/);
  });

  it('marks a risky row with its finding codes and severities', async () => {
    await renderInTestApp(
      <PermissionsTable
        statements={allowedBinding.permissions!.statements!}
        idPrefix="t"
      />,
    );
    const inline = rowOf('payments-dynamodb', 'inline');
    expect(inline).toHaveAttribute('data-risky', 'true');
    const wildcard = within(inline).getByTestId(
      'irsa-permission-finding-PERM_SERVICE_WILDCARD',
    );
    expect(wildcard).toHaveTextContent('mediumPERM_SERVICE_WILDCARD');
    expect(
      within(inline).getByTestId(
        'irsa-permission-finding-PERM_WRITE_ON_ANY_RESOURCE',
      ),
    ).toBeInTheDocument();
  });

  it('summarises "*" as all services, listing them per service only when asked', async () => {
    const statements = adminBinding.permissions!.statements!;
    const [row] = statements;
    await renderInTestApp(
      <PermissionsTable statements={statements} idPrefix="t" />,
    );
    const admin = rowOf('AdministratorAccess', 'managed');
    const summary = within(admin).getByTestId('irsa-permission-summary');
    expect(summary).toHaveTextContent(
      `${row.granted.actionCount.toLocaleString('en-US')} actions: all ${
        row.granted.serviceCount
      } services`,
    );
    expect(row.granted.serviceCount).toBeGreaterThan(400);
    expect(
      within(admin).getByTestId('irsa-permission-finding-PERM_ADMIN'),
    ).toHaveTextContent('critical');
    // No wall of names until asked.
    expect(admin).not.toHaveTextContent('s3:');
    expect(within(admin).queryByTestId('irsa-permission-expansion')).toBeNull();
    const expand = within(admin).getByRole('button', {
      name: `Show the ${row.granted.serviceCount} services`,
    });
    expect(expand).toHaveAttribute('aria-expanded', 'false');
    fireEvent.click(expand);
    expect(expand).toHaveAttribute('aria-expanded', 'true');
    const list = within(admin).getByTestId('irsa-permission-expansion');
    expect(within(list).getAllByRole('listitem')).toHaveLength(
      row.granted.serviceCount,
    );
    expect(list).toHaveTextContent(/s3: \d+ actions/);
    fireEvent.click(expand);
    expect(within(admin).queryByTestId('irsa-permission-expansion')).toBeNull();
  });

  it('lists a few actions by name when expanded', async () => {
    await renderInTestApp(
      <PermissionsTable
        statements={[
          {
            ...allowedBinding.permissions!.statements![0],
            granted: {
              actionCount: 2,
              actionsByAccessLevel: { Read: 1, Write: 1 },
              serviceCount: 1,
              allServices: false,
              services: [{ service: 'sqs', actionCount: 2 }],
              actions: ['sqs:receivemessage', 'sqs:deletemessage'],
            },
          },
        ]}
        idPrefix="t"
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Show the 2 actions' }));
    expect(screen.getByTestId('irsa-permission-expansion')).toHaveTextContent(
      'sqs:receivemessagesqs:deletemessage',
    );
  });

  it('says when the role has no statements', async () => {
    await renderInTestApp(<PermissionsTable statements={[]} idPrefix="t" />);
    expect(
      screen.getByTestId('irsa-permissions-table-empty'),
    ).toHaveTextContent('may do nothing');
  });
});
