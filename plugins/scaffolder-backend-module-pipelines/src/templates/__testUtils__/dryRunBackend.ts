import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import pipelinesModule from '../../module';

type Feature = Parameters<typeof startTestBackend>[0]['features'] extends
  | ReadonlyArray<infer F>
  | undefined
  ? F
  : never;

/**
 * The real scaffolder with this module (and `features`), a catalog holding
 * `entities` and the user the dry runs act as, and local repositories in a
 * temporary folder. `dryRun` posts to `/api/scaffolder/v2/dry-run`.
 */
export async function startDryRunBackend(
  options: {
    features?: Feature[];
    entities?: Entity[];
    config?: Record<string, unknown>;
  } = {},
) {
  const repos = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-repos-'));
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      pipelinesModule,
      ...(options.features ?? []),
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'User',
            metadata: { name: 'mock', namespace: 'default' },
            spec: {},
          },
          ...(options.entities ?? []),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          pilothouse: { localRepositories: { directory: repos } },
          ...options.config,
        },
      }),
    ],
  });
  return {
    /** The folder local repositories are published to. */
    repos,
    dryRun: (body: object) =>
      request(backend.server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header())
        .send(body),
    async stop() {
      await backend.stop();
      fs.rmSync(repos, { recursive: true, force: true });
    },
  };
}
