import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { lintWorkflowFile } from '../checks/actionlint';
import { validateKubernetesFiles } from '../checks/kubernetesSchemas';
import { checkPinnedActions } from '../checks/pinnedActions';
import { validateGitLabCiFile } from '../checks/gitlabCi';
import { checkWorkflowPermissions } from '../checks/workflowPermissions';
import { parseWorkflowFile } from '../checks/workflowParser';
import {
  dryRunBody,
  DryRunResult,
  generatedFiles,
  TEMPLATES_DIR,
} from './dryRun';
import { startDryRunBackend } from './__testUtils__/dryRunBackend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import gitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import git from 'isomorphic-git';
import { commitAll } from '../publish/localRepository';

const LANGUAGES = ['node', 'python', 'go', 'java'];
const CI_SYSTEMS = ['github-actions', 'gitlab-ci'];
const STRATEGIES = ['rolling', 'canary', 'blue-green'];
const SLO_ROLLBACK = [true, false];

const COMBINATIONS = LANGUAGES.flatMap(language =>
  CI_SYSTEMS.flatMap(ciSystem =>
    STRATEGIES.flatMap(strategy =>
      SLO_ROLLBACK.map(sloRollback => ({
        language,
        ciSystem,
        strategy,
        sloRollback,
      })),
    ),
  ),
);

function values(choices: Record<string, unknown>) {
  return {
    mode: 'new',
    name: 'payments-api',
    description: 'Takes payments',
    owner: 'group:default/payments-team',
    failOnSeverity: 'high',
    registry: 'ghcr.io/pilothouse-demo',
    publishTo: 'local',
    ...(choices.sloRollback
      ? {
          availabilityTarget: 99.9,
          latencyP95Ms: 300,
          prometheusUrl: 'http://prometheus.monitoring:9090',
        }
      : {}),
    ...choices,
  };
}

describe('service-pipeline template, through the scaffolder dry run', () => {
  let backend: Awaited<ReturnType<typeof startDryRunBackend>>;
  beforeAll(async () => {
    backend = await startDryRunBackend();
  });
  afterAll(() => backend.stop());
  const dryRun = (body: object) => backend.dryRun(body);

  /** Runs the template; a failed step ends the dry run, and its error is the test's failure. */
  const generate = async (choices: Record<string, unknown>) => {
    const res = await dryRun(
      dryRunBody('pipelines/service-pipeline.yaml', values(choices)),
    );
    expect(
      res.status === 200 ? 'ok' : JSON.stringify(res.body.error ?? res.body),
    ).toBe('ok');
    return res.body as DryRunResult;
  };

  it.each(COMBINATIONS)(
    '$language, $ciSystem, $strategy, SLO rollback $sloRollback: the outputs pass every check',
    async choices => {
      const result = await generate(choices);
      const failed = result.log.filter(l => l.body.status === 'failed');
      expect(failed.map(l => l.body.message)).toEqual([]);
      const files = generatedFiles(result);

      // The template's own validation steps ran (dry-run capable actions).
      const ran = result.log.map(l => l.body.message).join('\n');
      expect(ran).toContain('Kubernetes schemas:');

      const github = choices.ciSystem === 'github-actions';
      const workflow = files.get('.github/workflows/ci.yml') ?? '';
      expect(files.has('.github/workflows/ci.yml')).toBe(github);
      expect(files.has('.gitlab-ci.yml')).toBe(!github);
      expect(ran.includes('Workflow parser and actionlint: no errors')).toBe(
        github,
      );
      // Checked again here, outside the scaffolder.
      const findings = workflow
        ? [
            ...(await parseWorkflowFile('ci.yml', workflow)),
            ...(await lintWorkflowFile('ci.yml', workflow)),
            ...checkPinnedActions('ci.yml', workflow),
            ...checkWorkflowPermissions('ci.yml', workflow),
          ]
        : validateGitLabCiFile('.gitlab-ci.yml', files.get('.gitlab-ci.yml')!);
      expect(findings).toEqual([]);
      expect(
        ran.includes('GitLab CI schema: no errors in .gitlab-ci.yml'),
      ).toBe(!github);

      const gitlab = parse(files.get('.gitlab-ci.yml') ?? 'null');
      const gitlabJobs = [
        'test',
        'semgrep',
        'trivy-dependencies',
        'grype-dependencies',
        'container-image',
      ];
      expect(gitlabJobs.filter(job => gitlab?.[job])).toEqual(
        github ? [] : gitlabJobs,
      );
      expect(gitlab?.stages).toEqual(
        github ? undefined : ['test', 'sast', 'scan', 'image'],
      );
      expect(gitlab?.['container-image'].id_tokens.SIGSTORE_ID_TOKEN.aud).toBe(
        github ? undefined : 'sigstore',
      );

      const manifests = [...files]
        .filter(([p]) => p.startsWith('deploy/'))
        .map(([p, content]) => ({ path: p, content }));
      expect(validateKubernetesFiles(manifests)).toEqual([]);

      const kinds = manifests.flatMap(m =>
        parseAllDocuments(m.content).map(d => d.toJS()?.kind),
      );
      const expectsRollout =
        choices.strategy !== 'rolling' || choices.sloRollback;
      expect(kinds.includes('Rollout')).toBe(expectsRollout);
      expect(kinds.includes('Deployment')).toBe(!expectsRollout);
      expect(kinds.filter(k => k === 'Application')).toHaveLength(3);
      const analysis = files.get('deploy/base/analysis-template.yaml') ?? '';
      expect(analysis.includes('result[0] >= 0.999')).toBe(choices.sloRollback);
      expect(analysis.includes('result[0] <= 0.3')).toBe(choices.sloRollback);
      expect(
        files
          .get('deploy/base/workload.yaml')!
          .includes('templateName: payments-api-slo'),
      ).toBe(choices.sloRollback);

      const entity = parse(files.get('catalog-info.yaml')!);
      expect(entity.metadata.annotations).toEqual(
        expect.objectContaining({
          'pilothouse.io/template': 'service-pipeline@1.0.0',
          'backstage.io/kubernetes-id': 'payments-api',
          'argocd/app-selector': 'pilothouse.io/service=payments-api',
          'backstage.io/source-location':
            'url:https://git.example.com/payments-api.git',
        }),
      );
      expect(entity.spec.owner).toBe('group:default/payments-team');

      // The local publish step ran as a dry run: it would register the new component.
      expect(result.output.links).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            entityRef: 'component:default/payments-api',
          }),
        ]),
      );
    },
    60_000,
  );

  it('uses SonarQube with its quality gate when a server is given, Semgrep otherwise', async () => {
    const result = await generate({
      language: 'go',
      ciSystem: 'github-actions',
      strategy: 'canary',
      sloRollback: true,
      sonarqubeUrl: 'https://sonarqube.example.com',
    });
    const workflow = generatedFiles(result).get('.github/workflows/ci.yml')!;
    expect(workflow).toContain('-Dsonar.qualitygate.wait=true');
    expect(workflow).not.toContain('semgrep');
  }, 60_000);

  it('signs in to Amazon ECR with OIDC, not stored keys', async () => {
    const result = await generate({
      language: 'java',
      ciSystem: 'github-actions',
      strategy: 'blue-green',
      sloRollback: false,
      registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments',
    });
    const workflow = generatedFiles(result).get('.github/workflows/ci.yml')!;
    expect(workflow).toContain('role-to-assume: ${{ secrets.AWS_ROLE_ARN }}');
    expect(workflow).not.toMatch(/AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)/);
    expect(workflow).toContain('aws-region: eu-west-1');
    expect(checkWorkflowPermissions('ci.yml', workflow)).toEqual([]);
  }, 60_000);

  it.each`
    field                   | value                     | message
    ${'name'}               | ${'Payments_API'}         | ${'instance.name does not match pattern'}
    ${'registry'}           | ${'https://ghcr.io/acme'} | ${'instance.registry does not match pattern'}
    ${'availabilityTarget'} | ${100}                    | ${'instance.availabilityTarget must be less than or equal to 99.99'}
  `(
    'refuses $field = $value before running anything',
    async ({ field, value, message }) => {
      const res = await dryRun(
        dryRunBody(
          'pipelines/service-pipeline.yaml',
          values({
            language: 'node',
            ciSystem: 'github-actions',
            strategy: 'canary',
            sloRollback: true,
            [field]: value,
          }),
        ),
      );
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { stack: string }) => e.stack)).toEqual([
        expect.stringContaining(message),
      ]);
    },
  );

  it('records the same version in the generated repository as in the template', () => {
    const template = parse(
      fs.readFileSync(
        path.join(TEMPLATES_DIR, 'pipelines/service-pipeline.yaml'),
        'utf8',
      ),
    );
    const version =
      template.metadata.annotations['pilothouse.io/template-version'];
    expect(template.spec.steps[0].input.values.templateVersion).toBe(version);
    // The update's branch and messages name the same version.
    const text = fs.readFileSync(
      path.join(TEMPLATES_DIR, 'pipelines/service-pipeline.yaml'),
      'utf8',
    );
    const named = [...text.matchAll(/service-pipeline[- @](\d+\.\d+\.\d+)/g)];
    expect(named.length).toBeGreaterThan(5);
    expect(new Set(named.map(m => m[1]))).toEqual(new Set([version]));
  });
});

describe('service-pipeline template: updating a repository generated from an earlier version', () => {
  let backend: Awaited<ReturnType<typeof startDryRunBackend>>;
  beforeAll(async () => {
    backend = await startDryRunBackend({
      features: [githubModule, gitlabModule],
      config: {
        integrations: {
          github: [{ host: 'github.com', token: 'not-a-real-token' }],
          gitlab: [{ host: 'gitlab.com', token: 'not-a-real-token' }],
        },
      },
    });
  });
  afterAll(() => backend.stop());

  const update = (choices: Record<string, unknown>) =>
    backend.dryRun(
      dryRunBody(
        'pipelines/service-pipeline.yaml',
        values({
          language: 'node',
          ciSystem: 'github-actions',
          strategy: 'canary',
          sloRollback: false,
          mode: 'update',
          ...choices,
        }),
      ),
    );
  // The steps that ran to completion (a skipped one says "skipped").
  const stepsOf = (result: DryRunResult) => [
    ...new Set(
      result.log
        .filter(l => l.body.status === 'completed')
        .map(l => l.body.stepId),
    ),
  ];

  it('commits to a branch of the local repository, and registers nothing again', async () => {
    const dir = path.join(backend.repos, 'payments-api');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments-api\n  annotations:\n    pilothouse.io/template: service-pipeline@0.9.0\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/payments-team\n',
    );
    await commitAll({
      dir,
      defaultBranch: 'main',
      message: 'Generated by service-pipeline 0.9.0',
      author: { name: 'Pilothouse', email: 'pilothouse@example.com' },
    });

    const res = await update({ publishTo: 'local' });
    expect(res.status === 200 ? 'ok' : JSON.stringify(res.body)).toBe('ok');
    const result = res.body as DryRunResult;
    expect(result.log.filter(l => l.body.status === 'failed')).toEqual([]);
    // The same checks as for a new repository, then the update step alone.
    expect(stepsOf(result)).toEqual(
      expect.arrayContaining(['validate-workflows', 'validate-manifests']),
    );
    expect(stepsOf(result)).toContain('update-local');
    expect(stepsOf(result)).not.toContain('publish-local');
    const logged = result.log.map(l => l.body.message).join('\n');
    expect(logged).toContain(
      'Dry run: would commit the workspace to a new branch template-update/service-pipeline-1.0.0',
    );
    expect(generatedFiles(result).get('catalog-info.yaml')).toContain(
      'pilothouse.io/template: service-pipeline@1.0.0',
    );
    // A dry run leaves the repository alone.
    expect(await git.listBranches({ fs, dir })).toEqual(['main']);
  });

  it('says so when there is no local repository to update', async () => {
    const res = await update({ publishTo: 'local', name: 'ledger' });
    expect(JSON.stringify(res.body)).toContain(
      'There is no repository named ledger under pilothouse.localRepositories.directory to update; publish it first',
    );
  });

  it('opens a pull request on GitHub and a merge request on GitLab instead of a new repository', async () => {
    for (const [publishTo, ciSystem, step] of [
      ['github', 'github-actions', 'update-github'],
      ['gitlab', 'gitlab-ci', 'update-gitlab'],
    ]) {
      const host = publishTo === 'github' ? 'github.com' : 'gitlab.com';
      const res = await update({
        publishTo,
        ciSystem,
        repoUrl: `${host}?owner=payments-team&repo=payments-api`,
      });
      expect(res.status === 200 ? 'ok' : JSON.stringify(res.body)).toBe('ok');
      const result = res.body as DryRunResult;
      const skipped = result.log
        .filter(l => /because its if condition was false/.test(l.body.message))
        .map(l => l.body.stepId);
      expect(skipped).toEqual(
        expect.arrayContaining([
          `publish-${publishTo}`,
          `register-${publishTo}`,
        ]),
      );
      expect(skipped).not.toContain(step);
      // publish:github:pull-request runs its dry run;
      // publish:gitlab:merge-request has none, and the scaffolder logs its
      // rendered input instead.
      const logged = result.log
        .filter(l => l.body.stepId === step)
        .map(l => l.body.message)
        .join('\n');
      expect(logged).toContain('template-update/service-pipeline-1.0.0');
    }
  });
});
