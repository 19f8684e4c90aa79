import { withLogCollector } from '@backstage/frontend-test-utils';
import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  const env = process.env;

  beforeEach(() => {
    // the frontend reads its config from APP_CONFIG, as the CLI injects it
    process.env = {
      ...env,
      APP_CONFIG: [
        {
          context: 'test',
          data: {
            app: {
              title: 'IRSA for Backstage',
              baseUrl: 'http://localhost:3000',
            },
            backend: { baseUrl: 'http://localhost:7007' },
          },
        },
      ] as any,
    };
  });

  afterEach(() => {
    process.env = env;
  });

  it('opens on the sign-in page, with the guest sign-in the demo uses', async () => {
    const logs = await withLogCollector(['error'], async () => {
      render(App.createRoot());
      expect(
        // the app loads its extensions lazily: on a busy CI machine that takes seconds
        await screen.findByRole(
          'button',
          { name: 'Enter' },
          { timeout: 20_000 },
        ),
      ).toBeInTheDocument();
    });

    expect(screen.getByText('Guest')).toBeInTheDocument();
    expect(screen.getByText('IRSA for Backstage')).toBeInTheDocument();
    // no extension failed to load; Material UI v4's findDOMNode notice is React's, not ours
    expect(logs.error.filter(e => !String(e).includes('findDOMNode'))).toEqual(
      [],
    );
  }, 60_000);
});
