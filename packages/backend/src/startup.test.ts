import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');

/*
 * A wrong config value stops the start command before the backend starts,
 * with a message that names the key.
 */
describe('start command', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pilothouse-config-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function start(configYaml: string) {
    const file = path.join(dir, 'override.yaml');
    fs.writeFileSync(file, configYaml);
    return spawnSync('bash', ['scripts/start.sh', '--config', file], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
  }

  it('refuses a wrong value and names the key', () => {
    const result = start('permission:\n  enabled: maybe\n');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/must be boolean.*at \/permission\/enabled/);
    expect(result.stdout).not.toMatch(/Pilothouse is ready/);
  });

  it('refuses an unknown Pilothouse setting and names it', () => {
    const result = start(
      'permission:\n  pilothouse:\n    adminGroup: group:default/sre\n',
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/additionalProperty=adminGroup/);
  });
});
