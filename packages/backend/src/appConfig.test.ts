import { loadRepoConfig } from './__testUtils__/loadRepoConfig';

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
});
