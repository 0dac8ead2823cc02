import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import userSettingsPlugin from '@backstage/plugin-user-settings-backend';
import request from 'supertest';

/*
 * The laptop default keeps its state in SQLite files (backend.database with
 * connection.directory, as in app-config.yaml): what a person saved before a
 * restart is there after it.
 */
describe('laptop default storage', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pilothouse-data-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startPortal() {
    return startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: {
                client: 'better-sqlite3',
                connection: { directory: dir },
              },
            },
          },
        }),
        databaseServiceFactory,
        userSettingsPlugin,
      ],
    });
  }

  it('keeps saved settings across a restart', async () => {
    const alice = mockCredentials.user.header('user:default/alice');
    const first = await startPortal();
    const put = await request(first.server)
      .put('/api/user-settings/buckets/starred/keys/entities')
      .set('authorization', alice)
      .send({ value: ['component:default/payments'] });
    expect(put.status).toBe(200);
    await first.stop();

    expect(fs.readdirSync(dir)).toContain('user-settings.sqlite');

    const second = await startPortal();
    const get = await request(second.server)
      .get('/api/user-settings/buckets/starred/keys/entities')
      .set('authorization', alice);
    expect(get.status).toBe(200);
    expect(get.body.value).toEqual(['component:default/payments']);
    await second.stop();
  });
});
