import type { SeedApplication } from '../seed';
import { ClusterStore } from '../store';
import {
  APPLICATION_KIND,
  ARGOCD_NAMESPACE,
  commitSha,
  HistoryEntry,
  numericId,
  ROLLOUT_KIND,
  WORKFLOW_KIND,
  WORKFLOW_RUN_KIND,
} from './model';

const HOUR = 3_600_000;
/** Commits 1..HEAD_COMMIT exist in each seeded repo; 1..3 were deployed. */
export const HEAD_COMMIT = 4;

function at(hoursAgo: number): string {
  return new Date(Date.now() - hoursAgo * HOUR).toISOString();
}

/**
 * Seeds, for one catalog component, its Argo CD Application (three deploys in
 * history), optionally an Argo Rollouts canary, and its GitHub repository's
 * workflows and runs.
 */
export function seedCicd(store: ClusterStore, app: SeedApplication): void {
  const source = {
    repoURL: `https://github.com/${app.repo}`,
    path: 'deploy',
    targetRevision: 'HEAD',
  };
  const history: HistoryEntry[] = [1, 2, 3].map((n, i) => ({
    id: i,
    revision: commitSha(app.repo, n),
    deployStartedAt: at(72 - i * 24),
    deployedAt: at(72 - i * 24 - 0.05),
    source,
  }));
  const deployed = history[history.length - 1];
  store.create({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: APPLICATION_KIND,
    metadata: {
      name: app.name,
      namespace: ARGOCD_NAMESPACE,
      labels: { 'backstage.io/kubernetes-id': app.name },
    },
    spec: {
      project: app.project,
      source,
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: app.namespace,
      },
      syncPolicy: {},
    },
    status: {
      sync: {
        status: app.sync,
        revision: deployed.revision,
        comparedTo: { source },
      },
      health: { status: app.health },
      history,
      operationState: {
        operation: { sync: { revision: deployed.revision } },
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: deployed.deployStartedAt,
        finishedAt: deployed.deployedAt,
        syncResult: { revision: deployed.revision, source },
      },
      reconciledAt: at(0),
      sourceType: 'Kustomize',
      summary: {},
    },
  });

  if (app.rollout) {
    store.create({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: ROLLOUT_KIND,
      metadata: {
        name: app.name,
        namespace: app.namespace,
        generation: 4,
        labels: { 'backstage.io/kubernetes-id': app.name },
      },
      spec: {
        replicas: 4,
        strategy: {
          canary: {
            steps: [
              { setWeight: 20 },
              { pause: {} },
              { setWeight: 50 },
              { pause: { duration: '10m' } },
              { setWeight: 100 },
            ],
          },
        },
      },
      status: {
        phase: 'Paused',
        message: 'CanaryPauseStep',
        currentStepIndex: 1,
        currentPodHash: commitSha(app.repo, HEAD_COMMIT).slice(0, 10),
        stableRS: deployed.revision.slice(0, 10),
        canary: { weights: { canary: { weight: 20 }, stable: { weight: 80 } } },
        abort: false,
        pauseConditions: [{ reason: 'CanaryPauseStep', startTime: at(1) }],
      },
    });
  }

  const repoKey = app.repo.toLowerCase();
  const workflows = [
    { file: 'ci.yml', name: 'CI' },
    { file: 'deploy.yml', name: 'Deploy' },
  ].map(w => ({
    id: numericId(`${repoKey}/${w.file}`),
    name: w.name,
    path: `.github/workflows/${w.file}`,
    state: 'active',
  }));
  for (const w of workflows) {
    store.create({
      apiVersion: 'pilothouse.dev/sandbox',
      kind: WORKFLOW_KIND,
      metadata: { name: String(w.id), namespace: repoKey },
      workflow: w,
    });
  }
  // Four runs per repository; the newest CI run of a degraded app failed.
  for (let n = 1; n <= HEAD_COMMIT; n++) {
    const workflow = workflows[n % 2 === 1 ? 0 : 1];
    const failed = n === HEAD_COMMIT && app.health === 'Degraded';
    const id = numericId(`${repoKey}/run/${n}`);
    store.create({
      apiVersion: 'pilothouse.dev/sandbox',
      kind: WORKFLOW_RUN_KIND,
      metadata: { name: String(id), namespace: repoKey },
      run: {
        id,
        name: workflow.name,
        display_title: `Commit ${n} of ${app.repo}`,
        workflow_id: workflow.id,
        path: workflow.path,
        run_number: n,
        run_attempt: 1,
        event: 'push',
        head_branch: 'main',
        head_sha: commitSha(app.repo, n),
        status: 'completed',
        conclusion: failed ? 'failure' : 'success',
        created_at: at(80 - n * 20),
        updated_at: at(80 - n * 20 - 0.1),
        run_started_at: at(80 - n * 20),
        html_url: `https://github.com/${app.repo}/actions/runs/${id}`,
      },
    });
  }
}
