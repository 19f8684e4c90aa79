import { irsaPlugin } from './plugin';

describe('irsa', () => {
  it('should export plugin', () => {
    expect(irsaPlugin).toBeDefined();
  });
});
