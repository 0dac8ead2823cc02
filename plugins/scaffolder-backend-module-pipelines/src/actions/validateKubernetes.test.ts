import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createValidateKubernetesAction } from './validateKubernetes';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
spec:
  replicas: 2
  selector:
    matchLabels: { app: payments }
  template:
    metadata:
      labels: { app: payments }
    spec:
      containers:
        - name: payments
          image: ghcr.io/acme/payments:1.0.0
`;

const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: payments
spec:
  selector:
    matchLabels: { app: payments }
  template:
    metadata:
      labels: { app: payments }
    spec:
      containers:
        - name: payments
          image: ghcr.io/acme/payments:1.0.0
  strategy:
    canary:
      steps:
        - setWeight: 20
        - pause: { duration: 5m }
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: payments-slo
spec:
  metrics:
    - name: error-rate
      interval: 1m
      failureLimit: 1
      successCondition: result[0] <= 0.005
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(http_requests_total{code=~"5.."}[5m]))
`;

describe('pilothouse:validateKubernetes', () => {
  const workspace = createMockDirectory();
  const action = createValidateKubernetesAction();
  const run = (files: Record<string, string>) => {
    workspace.setContent(files);
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { paths: ['deploy'] },
    });
    return action.handler(ctx as any).then(() => ctx);
  };

  it('passes valid Kubernetes, Argo Rollouts and Kustomize files', async () => {
    const ctx = await run({
      'deploy/base/deployment.yaml': DEPLOYMENT,
      'deploy/base/rollout.yaml': ROLLOUT,
      'deploy/base/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deployment.yaml, rollout.yaml]\n',
      'deploy/overlays/dev/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: payments-dev\nresources: [../../base]\nimages:\n  - name: ghcr.io/acme/payments\n    newTag: sha-abc\n',
    });
    expect(ctx.output).toHaveBeenCalledWith('objects', 4);
  });

  it('stops at the line of a field of the wrong type', async () => {
    await expect(
      run({
        'deploy/deployment.yaml': DEPLOYMENT.replace(
          'replicas: 2',
          'replicas: two',
        ),
      }),
    ).rejects.toThrow(
      'deploy/deployment.yaml:6:13: Deployment payments: /spec/replicas must be integer [kubernetes-schema]',
    );
  });

  it('stops on an invalid canary step in the second document of a file', async () => {
    await expect(
      run({
        'deploy/rollout.yaml': ROLLOUT.replace(
          'setWeight: 20',
          'setWeight: twenty',
        ),
      }),
    ).rejects.toThrow(
      'deploy/rollout.yaml:18:22: Rollout payments: /spec/strategy/canary/steps/0/setWeight must be integer',
    );
  });

  it('refuses kinds it has no schema for, and kustomizations pointing at missing files', async () => {
    const error = await run({
      'deploy/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [service.yaml]\nreplica: 3\n',
      'deploy/widget.yaml':
        'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n',
    }).catch(e => e);
    expect(error.message).toContain(
      'deploy/kustomization.yaml:1:1: Kustomization: (root): Unrecognized key: "replica"',
    );
    expect(error.message).toContain(
      'deploy/widget.yaml:2:7: no schema known for example.com/v1 Widget',
    );
  });
});
