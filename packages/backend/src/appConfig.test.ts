import { loadRepoConfig } from './__testUtils__/loadRepoConfig';

describe('app-config.yaml (the demo)', () => {
  it('listens on IPv4 loopback only, while the browser keeps using localhost', async () => {
    const config = await loadRepoConfig('app-config.yaml');
    expect(config.getString('backend.listen.host')).toBe('127.0.0.1');
    expect(new URL(config.getString('backend.baseUrl')).hostname).toBe(
      'localhost',
    );
    expect(new URL(config.getString('app.baseUrl')).hostname).toBe('localhost');
  });
});

describe('app-config.production.yaml over app-config.yaml', () => {
  const load = () =>
    loadRepoConfig('app-config.yaml', 'app-config.production.yaml');

  it('takes users and groups from no registered location', async () => {
    const config = await load();
    const allowed = config
      .getConfigArray('catalog.rules')
      .flatMap(rule => rule.getStringArray('allow'));
    expect(allowed).toEqual(
      expect.arrayContaining([
        'Component',
        'System',
        'API',
        'Resource',
        'Template',
        'Location',
      ]),
    );
    expect(allowed).not.toContain('User');
    expect(allowed).not.toContain('Group');
    expect(config.getConfigArray('catalog.locations')).toEqual([]);
  });

  it('shows an organisation provider for them', async () => {
    const config = await load();
    expect(
      config.getConfig('catalog.providers.githubOrg').getString('id'),
    ).toBe('production');
  });

  it("does not inherit the demo's loopback-only listen address", async () => {
    const config = await load();
    expect(config.getString('backend.listen.host')).toBe('0.0.0.0');
  });
});
