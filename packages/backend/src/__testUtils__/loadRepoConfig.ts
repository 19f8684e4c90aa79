import { Config } from '@backstage/config';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');

/**
 * The repository's app-config files, merged as `--config a --config b` merges
 * them, so that tests check what the demo and production actually configure.
 * Every `${...}` reads as 'unset': what the tests read holds none.
 */
export async function loadRepoConfig(...files: string[]): Promise<Config> {
  const source = ConfigSources.merge(
    files.map(file =>
      FileConfigSource.create({
        path: path.join(repoRoot, file),
        watch: false,
        substitutionFunc: async () => 'unset',
      }),
    ),
  );
  const config = await ConfigSources.toConfig(source);
  config.close();
  return config;
}
