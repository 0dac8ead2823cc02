import { Router } from 'express';
import { RESOURCE_TYPES, ResourceType } from './registry';

/** The version the sandbox reports; it mirrors the API shapes of this release. */
export const SANDBOX_KUBERNETES_VERSION = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0-pilothouse-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.22.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function groups(): Map<string, ResourceType[]> {
  const byGroup = new Map<string, ResourceType[]>();
  for (const type of RESOURCE_TYPES) {
    const list = byGroup.get(type.group) ?? [];
    list.push(type);
    byGroup.set(type.group, list);
  }
  return byGroup;
}

function resourceList(groupVersion: string, types: ResourceType[]) {
  const resources = types.flatMap(type => [
    {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: type.verbs,
      ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    },
    ...(type.subresources ?? []).map(sub => ({
      name: `${type.plural}/${sub.name}`,
      singularName: '',
      namespaced: type.namespaced,
      kind: sub.kind,
      verbs: sub.verbs,
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

/** Discovery endpoints: /version, /api, /api/v1, /apis and /apis/<group>/<version>. */
export function createDiscoveryRouter(): Router {
  const router = Router();
  const byGroup = groups();

  router.get('/version', (_req, res) => {
    res.json(SANDBOX_KUBERNETES_VERSION);
  });

  router.get('/api', (_req, res) => {
    res.json({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [],
    });
  });

  router.get('/api/v1', (_req, res) => {
    res.json(resourceList('v1', byGroup.get('') ?? []));
  });

  router.get('/apis', (_req, res) => {
    res.json({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...byGroup.entries()]
        .filter(([group]) => group !== '')
        .map(([group, types]) => {
          const version = {
            groupVersion: `${group}/${types[0].version}`,
            version: types[0].version,
          };
          return {
            name: group,
            versions: [version],
            preferredVersion: version,
          };
        }),
    });
  });

  for (const [group, types] of byGroup) {
    if (group === '') {
      continue;
    }
    const groupVersion = `${group}/${types[0].version}`;
    router.get(`/apis/${group}`, (_req, res) => {
      const version = { groupVersion, version: types[0].version };
      res.json({
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: group,
        versions: [version],
        preferredVersion: version,
      });
    });
    router.get(`/apis/${groupVersion}`, (_req, res) => {
      res.json(resourceList(groupVersion, types));
    });
  }

  return router;
}
