import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/** The typed API clients the tools use. */
export interface KubernetesClients {
  core: CoreV1Api;
  apps: AppsV1Api;
}

/**
 * Loads a kubeconfig from an explicit file, else the default chain of
 * @kubernetes/client-node: $KUBECONFIG, ~/.kube/config, then the in-cluster
 * service account.
 */
export function loadKubeConfig(file?: string): KubeConfig {
  const kc = new KubeConfig();
  if (file) {
    kc.loadFromFile(file);
  } else {
    kc.loadFromDefault();
  }
  return kc;
}

export function createKubernetesClients(kc: KubeConfig): KubernetesClients {
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
  };
}
