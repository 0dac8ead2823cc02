import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { TEMPLATES_DIR } from '../templates/dryRun';
import { createGenerateSloRulesAction } from './generateSloRules';

// Sloth's published examples and the rules Sloth generated for them
// (../shared/fixtures, beside the repository).
const SLOTH = path.resolve(TEMPLATES_DIR, '../../shared/fixtures/sloth/examples');
const read = (file: string) => fs.readFileSync(path.join(SLOTH, file), 'utf8');

type Rules = { groups: { name: string; rules: { record?: string; alert?: string }[] }[] };
const names = (rules: Rules) =>
  rules.groups.map(g => [g.name, g.rules.map(r => r.record ?? r.alert)]);

describe('pilothouse:generateSloRules', () => {
  const workspace = createMockDirectory();
  const action = createGenerateSloRulesAction();

  it.each(['openslo-getting-started.yml', 'getting-started.yml'])(
    'writes the groups and rules Sloth generates for its example %s',
    async example => {
      workspace.setContent({ 'slos/availability.yaml': read(example) });
      const ctx = createMockActionContext({
        workspacePath: workspace.path,
        input: {},
      });
      await action.handler(ctx);
      const written = parse(
        fs.readFileSync(
          path.join(workspace.path, 'prometheus/slo-rules.yaml'),
          'utf8',
        ),
      );
      expect(names(written)).toEqual(names(parse(read(`_gen/${example}`))));
      expect(ctx.output).toHaveBeenCalledWith('slos', 1);
    },
  );

  it('stops naming the file, the SLO and the field of an invalid objective', async () => {
    workspace.setContent({
      'slos/bad.yaml': read('openslo-getting-started.yml').replace(
        'target: 0.999',
        'target: 1.5',
      ),
    });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { paths: ['slos'] },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /slos\/bad\.yaml: SLO\/sloth-slo-my-service spec\.objectives\[0\]\.target: /,
    );
    expect(fs.existsSync(path.join(workspace.path, 'prometheus'))).toBe(false);
  });

  it('says so when the folder holds no SLO', async () => {
    workspace.setContent({ 'slos/readme.yaml': 'kind: Component\n' });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: {},
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      'No SLO definitions found in slos/readme.yaml',
    );
  });
});
