import dockerignore from '@balena/dockerignore';
import { DockerfileParser } from 'dockerfile-ast';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { kubernetesDir, repoRoot } from './__testUtils__/repoPaths';

const dockerfile = DockerfileParser.parse(
  fs.readFileSync(
    path.join(repoRoot, 'packages', 'backend', 'Dockerfile'),
    'utf8',
  ),
);
const ignored = dockerignore({ ignorecase: false }).add(
  fs.readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8'),
);

const instructions = dockerfile.getInstructions();
const stages = dockerfile.getFROMs();
const finalStageLine = stages[stages.length - 1].getRange().start.line;
const finalStage = instructions.filter(
  i => i.getRange().start.line >= finalStageLine,
);
const argsOf = (keyword: string, within = instructions) =>
  within
    .filter(i => i.getKeyword() === keyword)
    .map(i => i.getArgumentsContent() ?? '');

/** Whether a COPY takes its files from another stage rather than the build context. */
const fromStage = (copy: ReturnType<typeof dockerfile.getCOPYs>[number]) =>
  copy.getFlags().some(flag => flag.getName() === 'from');

/** The JSON-array form of an instruction (CMD, ENTRYPOINT). */
const execForm = (keyword: string) =>
  JSON.parse(argsOf(keyword, finalStage).at(-1)!);

describe('the backend image (packages/backend/Dockerfile)', () => {
  it('builds in stages and installs production dependencies only into the final image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const runs = argsOf('RUN').join('\n');
    expect(runs).toContain('yarn workspaces focus --all --production');
    expect(runs).toContain('yarn install --immutable');
    // No compilers in the final stage: they stay in the build stages.
    expect(argsOf('RUN', finalStage).join('\n')).not.toMatch(
      /g\+\+|build-essential/,
    );
  });

  it('runs as the unprivileged node user', () => {
    const users = argsOf('USER', finalStage);
    expect(users.at(-1)).toBe('node');
  });

  it('copies only what exists in the build context and is not excluded by .dockerignore', () => {
    const problems: string[] = [];
    for (const copy of dockerfile.getCOPYs()) {
      if (fromStage(copy)) continue;
      const args = copy.getArguments().map(a => a.getValue());
      for (const source of args.slice(0, -1)) {
        if (!fs.existsSync(path.join(repoRoot, source))) {
          problems.push(`${source}: not in the repository`);
        } else if (ignored.ignores(source.replace(/\/$/, ''))) {
          problems.push(`${source}: excluded by .dockerignore`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('holds the files the config reads at run time, relative to its working directory', () => {
    const workdir = argsOf('WORKDIR', finalStage).at(-1)!;
    expect(workdir).toBe('/app/packages/backend');
    const copiedIntoApp = dockerfile
      .getCOPYs()
      .filter(c => c.getRange().start.line >= finalStageLine && !fromStage(c))
      .flatMap(c => {
        const args = c.getArguments().map(a => a.getValue());
        const destination = args.at(-1)!;
        return args
          .slice(0, -1)
          .map(source =>
            destination.endsWith('/') &&
            !source.endsWith('/') &&
            args.length > 2
              ? path.posix.join(
                  '/app',
                  destination,
                  path.posix.basename(source),
                )
              : path.posix.join(
                  '/app',
                  destination === './' ? source : destination,
                ),
          );
      });
    const inImage = (p: string) =>
      copiedIntoApp.some(copied => p === copied || p.startsWith(`${copied}/`));

    const config = parseYaml(
      fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
    );
    const kubernetes = parseYaml(
      fs.readFileSync(
        path.join(kubernetesDir, 'base', 'app-config.kubernetes.yaml'),
        'utf8',
      ),
    );
    const readAtRunTime = [
      ...config.catalog.locations.map((l: any) => l.target),
      // llmGateway.policy.directory's default (plugins/llm-gateway-backend/config.d.ts)
      '../../policies/gateway',
      ...kubernetes.logSearch.detections.rulePaths.map((r: any) => r.path),
      // ../templates targets of catalog/all.yaml
      '../../templates/pipelines/service-pipeline.yaml',
    ].map(p => path.posix.resolve(workdir, p));
    expect(readAtRunTime.filter(p => !inImage(p))).toEqual([]);
    for (const p of readAtRunTime) {
      expect(
        fs.existsSync(path.join(repoRoot, path.posix.relative('/app', p))),
      ).toBe(true);
    }
  });

  it("is started by the Deployment with the image's command plus the cluster's config layer", () => {
    const deployment = parseYaml(
      fs.readFileSync(
        path.join(kubernetesDir, 'base', 'deployment.yaml'),
        'utf8',
      ),
    );
    const container = deployment.spec.template.spec.containers[0];
    // args, not command: the image's entrypoint (tini) stays.
    expect(container.command).toBeUndefined();
    expect(execForm('ENTRYPOINT')).toEqual(['/usr/bin/tini', '--']);
    expect(container.args).toEqual([
      ...execForm('CMD'),
      '--config',
      '/etc/pilothouse/app-config.kubernetes.yaml',
    ]);
    const mount = container.volumeMounts.find(
      (m: any) => m.mountPath === '/etc/pilothouse',
    );
    expect(mount?.readOnly).toBe(true);
  });
});
