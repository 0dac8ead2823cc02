import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import type {
  LiveIsolationReader,
  LiveIsolationState,
  LiveObject,
} from './types';

const statusOf = (error: unknown) =>
  error instanceof ApiException ? error.code : undefined;

/**
 * Reads an agent's isolation objects with @kubernetes/client-node: only
 * the agent's namespace and the namespaces its rendered RBAC lives in,
 * plus ClusterRoleBindings (a cluster that will not list those is noted,
 * not fatal).
 */
export class KubernetesIsolationReader implements LiveIsolationReader {
  private readonly core: CoreV1Api;
  private readonly rbac: RbacAuthorizationV1Api;
  private readonly networking: NetworkingV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    this.networking = kubeConfig.makeApiClient(NetworkingV1Api);
  }

  /** The kubeconfig file given, else $KUBECONFIG, ~/.kube/config or in-cluster. */
  static fromKubeconfig(file?: string): KubernetesIsolationReader {
    const kc = new KubeConfig();
    if (file) {
      kc.loadFromFile(file);
    } else {
      kc.loadFromDefault();
    }
    return new KubernetesIsolationReader(kc);
  }

  async read(request: {
    agentNamespace: string;
    rbacNamespaces: string[];
  }): Promise<LiveIsolationState> {
    const namespace = request.agentNamespace;
    const empty: LiveIsolationState = {
      serviceAccounts: [],
      roles: [],
      roleBindings: [],
      networkPolicies: [],
      resourceQuotas: [],
      limitRanges: [],
      warnings: [],
    };
    let ns: LiveObject;
    try {
      ns = await this.core.readNamespace({ name: namespace });
    } catch (error) {
      if (statusOf(error) === 404) {
        return empty;
      }
      throw error;
    }
    const rbacNamespaces = [...new Set([namespace, ...request.rbacNamespaces])];
    const listIn = async <T>(
      list: (namespace: string) => Promise<{ items: T[] }>,
    ): Promise<T[]> =>
      (
        await Promise.all(
          rbacNamespaces.map(async n => {
            try {
              return (await list(n)).items;
            } catch (error) {
              // A target namespace that does not exist holds nothing.
              if (statusOf(error) === 404) return [];
              throw error;
            }
          }),
        )
      ).flat();

    const warnings: string[] = [];
    const [
      serviceAccounts,
      roles,
      roleBindings,
      networkPolicies,
      resourceQuotas,
      limitRanges,
      clusterRoleBindings,
    ] = await Promise.all([
      this.core.listNamespacedServiceAccount({ namespace }),
      listIn(n => this.rbac.listNamespacedRole({ namespace: n })),
      listIn(n => this.rbac.listNamespacedRoleBinding({ namespace: n })),
      this.networking.listNamespacedNetworkPolicy({ namespace }),
      this.core.listNamespacedResourceQuota({ namespace }),
      this.core.listNamespacedLimitRange({ namespace }),
      this.rbac.listClusterRoleBinding().then(
        list => list.items as LiveObject[],
        error => {
          warnings.push(
            `ClusterRoleBindings could not be listed (${
              statusOf(error) ?? (error as Error).message
            }); cluster-wide grants to the agent are not checked`,
          );
          return undefined;
        },
      ),
    ]);
    return {
      namespace: ns,
      serviceAccounts: serviceAccounts.items as LiveObject[],
      roles: roles as LiveObject[],
      roleBindings: roleBindings as LiveObject[],
      clusterRoleBindings,
      networkPolicies: networkPolicies.items as LiveObject[],
      resourceQuotas: resourceQuotas.items as LiveObject[],
      limitRanges: limitRanges.items as LiveObject[],
      warnings,
    };
  }
}
