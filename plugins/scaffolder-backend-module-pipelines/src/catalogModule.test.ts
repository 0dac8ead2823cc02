import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { catalogModuleLocalRepositories } from './catalogModule';

async function registerFile(localRepositories: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-repos-'));
  const file = path.join(dir, 'catalog-info.yaml');
  fs.writeFileSync(
    file,
    'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: fresh }\nspec: { type: service, lifecycle: experimental, owner: someone }\n',
  );
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleLocalRepositories,
      mockServices.rootConfig.factory({
        data: localRepositories
          ? { pilothouse: { localRepositories: { directory: dir } } }
          : {},
      }),
    ],
  });
  try {
    return await request(backend.server)
      .post('/api/catalog/locations')
      .send({ type: 'file', target: file });
  } finally {
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('catalogModuleLocalRepositories', () => {
  it('lets a file location be registered when local repositories are configured', async () => {
    const res = await registerFile(true);
    expect(res.status).toBe(201);
    expect(res.body.location).toMatchObject({ type: 'file' });
  });

  it('keeps the catalog to url locations otherwise (production)', async () => {
    const res = await registerFile(false);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/allowed type \["url"\]/);
  });
});
