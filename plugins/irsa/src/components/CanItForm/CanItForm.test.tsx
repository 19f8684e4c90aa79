import { UrlPatternDiscovery } from '@backstage/core-app-api';
import {
  MockFetchApi,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { IrsaClient, irsaApiRef, type SimulationResult } from '../../api';
import { allowedBinding } from '../__fixtures__/bindings';
import { CanItForm } from './CanItForm';

const SIMULATE = 'http://localhost:7007/api/irsa/simulate';

describe('CanItForm', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new IrsaClient({
    discoveryApi: UrlPatternDiscovery.compile(
      'http://localhost:7007/api/{{ pluginId }}',
    ),
    fetchApi: new MockFetchApi(),
  });

  async function ask(action: string, resource?: string) {
    await renderInTestApp(
      <TestApiProvider apis={[[irsaApiRef, client]]}>
        <CanItForm binding={allowedBinding} />
      </TestApiProvider>,
    );
    fireEvent.change(screen.getByLabelText(/Action/), {
      target: { value: action },
    });
    if (resource !== undefined) {
      fireEvent.change(screen.getByLabelText(/Resource/), {
        target: { value: resource },
      });
    }
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
  }

  async function result(action: string, resource?: string) {
    await ask(action, resource);
    return screen.findByTestId('irsa-can-it-result');
  }

  function answer(body: Omit<SimulationResult, 'roleArn'>) {
    const requests: unknown[] = [];
    server.use(
      http.post(SIMULATE, async ({ request }) => {
        requests.push(await request.json());
        return HttpResponse.json({
          roleArn: allowedBinding.roleArn,
          ...body,
        });
      }),
    );
    return requests;
  }

  it('asks /simulate for this binding and shows "Allowed" with the deciding statement', async () => {
    const requests = answer({
      decision: 'allowed',
      reason: 'allowed',
      deciding: [
        {
          policy: {
            kind: 'managed',
            arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
            name: 'AmazonS3ReadOnlyAccess',
          },
          statementIndex: 0,
          effect: 'Allow',
        },
      ],
      explanation: 'Policy AmazonS3ReadOnlyAccess statement 0 allows it.',
    });
    const answered = await result(
      ' s3:GetObject ',
      'arn:aws:s3:::invoices/a.pdf',
    );
    expect(requests).toEqual([
      {
        cluster: 'demo-east',
        namespace: 'payments',
        serviceAccount: 'payments-api',
        roleArn: allowedBinding.roleArn,
        entityRef: 'component:default/payments-api',
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::invoices/a.pdf',
      },
    ]);
    expect(answered).toHaveAttribute('data-decision', 'allowed');
    expect(answered).toHaveTextContent(/^Allowed/);
    expect(
      within(answered).getByTestId('irsa-can-it-deciding'),
    ).toHaveTextContent(
      'Allow: managed policy AmazonS3ReadOnlyAccess, statement 0',
    );
  });

  it('names a binding found through the trust policy by its role alone', async () => {
    const requests = answer({
      decision: 'denied',
      reason: 'implicit-deny',
      deciding: [],
      explanation: 'No statement allows it.',
    });
    await renderInTestApp(
      <TestApiProvider apis={[[irsaApiRef, client]]}>
        <CanItForm binding={{ ...allowedBinding, source: 'trust' }} />
      </TestApiProvider>,
    );
    fireEvent.change(screen.getByLabelText(/Action/), {
      target: { value: 's3:GetObject' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    await screen.findByTestId('irsa-can-it-result');
    expect(requests).toEqual([
      {
        roleArn: allowedBinding.roleArn,
        entityRef: 'component:default/payments-api',
        action: 's3:GetObject',
        resource: '*',
      },
    ]);
  });

  it('tells an explicit deny from an implicit one', async () => {
    answer({
      decision: 'denied',
      reason: 'implicit-deny',
      deciding: [],
      explanation: 'No statement allows s3:PutObject.',
    });
    const answered = await result('s3:PutObject');
    expect(answered).toHaveAttribute('data-reason', 'implicit-deny');
    expect(answered).toHaveTextContent(
      'Denied (implicitly): no statement allows it',
    );
    expect(within(answered).queryByTestId('irsa-can-it-deciding')).toBeNull();
  });

  it('names the Deny statement that decides', async () => {
    answer({
      decision: 'denied',
      reason: 'explicit-deny',
      deciding: [
        {
          policy: { kind: 'inline', name: 'guard' },
          statementIndex: 1,
          sid: 'NoDelete',
          effect: 'Deny',
        },
      ],
      explanation: 'Policy guard statement 1 denies it.',
    });
    const answered = await result('s3:DeleteObject');
    expect(answered).toHaveTextContent('Denied: an explicit Deny applies');
    expect(answered).toHaveTextContent(
      'Deny: inline policy guard, statement 1 (NoDelete)',
    );
  });

  it('reports unknown conditions as such', async () => {
    answer({
      decision: 'unknown',
      reason: 'undecided-conditions',
      deciding: [
        {
          policy: { kind: 'inline', name: 'payments-dynamodb' },
          statementIndex: 0,
          effect: 'Allow',
          missingContextKeys: ['aws:SourceIp'],
        },
      ],
      missingContextKeys: ['aws:SourceIp'],
      explanation: 'It depends on aws:SourceIp.',
    });
    const answered = await result('dynamodb:GetItem');
    expect(answered).toHaveAttribute('data-decision', 'unknown');
    expect(answered).toHaveTextContent('(needs aws:SourceIp)');
    expect(
      within(answered).getByTestId('irsa-can-it-unknown-conditions'),
    ).toHaveTextContent(
      'Unknown conditions: the answer depends on aws:SourceIp',
    );
  });

  it('shows the backend’s 400 naming the wrong field', async () => {
    server.use(
      http.post(SIMULATE, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'action: "s3:Get*" has a wildcard',
            },
            request: { method: 'POST', url: '/simulate' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    await ask('s3:Get*');
    const error = await screen.findByTestId('irsa-can-it-error');
    expect(error).toHaveTextContent('The question is not valid');
    expect(error).toHaveTextContent('action: "s3:Get*" has a wildcard');
    expect(screen.queryByTestId('irsa-can-it-result')).toBeNull();
  });

  it('has labelled inputs and cannot be sent without an action', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[irsaApiRef, client]]}>
        <CanItForm binding={allowedBinding} />
      </TestApiProvider>,
    );
    expect(screen.getByLabelText(/Resource/)).toHaveValue('*');
    expect(screen.getByRole('button', { name: 'Check' })).toBeDisabled();
    expect(screen.getByRole('form', { name: 'Can it …?' })).toBeInTheDocument();
  });
});
