/** One REST resource type that the sandbox serves. */
export interface ResourceType {
  kind: string;
  /** Name used in URLs, e.g. `deployments`. */
  plural: string;
  singular: string;
  /** API group; the empty string is the core group served under /api/v1. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs: string[];
  /** Subresources, listed in discovery as `<plural>/<sub>`. */
  subresources?: Array<{ name: string; kind: string; verbs: string[] }>;
}

const READ = ['get', 'list'];
const READ_WRITE = ['create', 'delete', 'get', 'list', 'patch', 'update'];

export const RESOURCE_TYPES: ResourceType[] = [
  {
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list'],
  },
  {
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['po'],
    verbs: ['delete', 'get', 'list'],
    subresources: [{ name: 'log', kind: 'Pod', verbs: ['get'] }],
  },
  {
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['svc'],
    verbs: READ_WRITE,
  },
  {
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['ev'],
    verbs: READ,
  },
  {
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['sa'],
    verbs: READ_WRITE,
  },
  {
    kind: 'ResourceQuota',
    plural: 'resourcequotas',
    singular: 'resourcequota',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['quota'],
    verbs: READ_WRITE,
  },
  {
    kind: 'LimitRange',
    plural: 'limitranges',
    singular: 'limitrange',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['limits'],
    verbs: READ_WRITE,
  },
  {
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['deploy'],
    verbs: [...READ_WRITE],
    subresources: [
      { name: 'scale', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
      { name: 'status', kind: 'Deployment', verbs: ['get'] },
    ],
  },
  {
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['rs'],
    verbs: READ,
  },
  {
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    group: 'networking.k8s.io',
    version: 'v1',
    namespaced: true,
    shortNames: ['netpol'],
    verbs: READ_WRITE,
  },
  {
    kind: 'Role',
    plural: 'roles',
    singular: 'role',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
  },
  {
    kind: 'RoleBinding',
    plural: 'rolebindings',
    singular: 'rolebinding',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
  },
  {
    kind: 'ClusterRole',
    plural: 'clusterroles',
    singular: 'clusterrole',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: false,
    verbs: READ_WRITE,
  },
  {
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: false,
    verbs: READ_WRITE,
  },
];

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** URL prefix of a type's group version: `/api/v1` or `/apis/<group>/<version>`. */
export function prefixOf(type: ResourceType): string {
  return type.group ? `/apis/${type.group}/${type.version}` : '/api/v1';
}

export function typeOfKind(kind: string): ResourceType {
  const type = RESOURCE_TYPES.find(t => t.kind === kind);
  if (!type) {
    throw new Error(`Unknown kind ${kind}`);
  }
  return type;
}
