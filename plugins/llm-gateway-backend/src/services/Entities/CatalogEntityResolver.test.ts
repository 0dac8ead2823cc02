import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { repoCatalogEntities } from '../../__fixtures__/repository';
import { CatalogEntityResolver } from './CatalogEntityResolver';
import { mostSensitive } from './dataClass';

const component = (
  name: string,
  annotations: Record<string, string>,
  spec: Record<string, unknown> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', ...spec },
});

describe('CatalogEntityResolver', () => {
  const credentials = mockCredentials.user('user:default/alice');

  it('reads owner, system, lifecycle and data class from the repository catalog', async () => {
    const resolver = CatalogEntityResolver.create({
      catalog: catalogServiceMock({ entities: repoCatalogEntities() }),
      logger: mockServices.logger.mock(),
    });
    expect(
      await resolver.resolve('component:default/payments', { credentials }),
    ).toEqual({
      ref: 'component:default/payments',
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
      owner: 'group:default/payments-team',
      system: 'system:default/payments-platform',
      lifecycle: 'production',
      dataClass: 'confidential',
    });
    expect(
      (await resolver.resolve('pilothouse', { credentials })).dataClass,
    ).toBe('public');
    // No annotation: the configured default.
    expect(
      (await resolver.resolve('component:notifications', { credentials }))
        .dataClass,
    ).toBe('internal');
  });

  it('uses the configured default, and treats an unknown class as restricted', async () => {
    const logger = mockServices.logger.mock();
    const resolver = CatalogEntityResolver.create({
      catalog: catalogServiceMock({
        entities: [
          component('plain', {}),
          component('shouty', {
            'pilothouse.io/data-classification': ' Confidential ',
          }),
          component('typo', {
            'pilothouse.io/data-classification': 'confidental',
          }),
        ],
      }),
      logger,
      defaultDataClass: 'confidential',
    });
    expect((await resolver.resolve('plain', { credentials })).dataClass).toBe(
      'confidential',
    );
    expect((await resolver.resolve('shouty', { credentials })).dataClass).toBe(
      'confidential',
    );
    expect((await resolver.resolve('typo', { credentials })).dataClass).toBe(
      'restricted',
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('unknown data classification'),
      expect.objectContaining({ value: 'confidental' }),
    );
  });

  it('asks the catalog with the caller credentials, and hides what the caller cannot see', async () => {
    const secret = component('secret', {}, { owner: 'security-team' });
    // A catalog that shows this entity only to the security team's lena.
    const catalog = catalogServiceMock.mock({
      getEntityByRef: async (_ref, options) => {
        const { principal } = (options as { credentials: BackstageCredentials })
          .credentials;
        return (principal as { userEntityRef?: string }).userEntityRef ===
          'user:default/lena'
          ? secret
          : undefined;
      },
    });
    const resolver = CatalogEntityResolver.create({
      catalog,
      logger: mockServices.logger.mock(),
    });
    await expect(
      resolver.resolve('component:default/secret', { credentials }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No entity component:default/secret in the catalog',
    });
    expect(
      await resolver.resolve('component:default/secret', {
        credentials: mockCredentials.user('user:default/lena'),
      }),
    ).toMatchObject({ owner: 'group:default/security-team' });
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(
      'component:default/secret',
      { credentials },
    );
  });

  it('refuses a malformed reference', async () => {
    const resolver = CatalogEntityResolver.create({
      catalog: catalogServiceMock(),
      logger: mockServices.logger.mock(),
    });
    await expect(
      resolver.resolve('component:', { credentials }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        '"component:" is not an entity reference',
      ),
    });
  });

  it('resolves a catalog user with their groups, as sign-in would', async () => {
    const resolver = CatalogEntityResolver.create({
      catalog: catalogServiceMock({ entities: repoCatalogEntities() }),
      logger: mockServices.logger.mock(),
    });
    expect(await resolver.resolveUser('carol', { credentials })).toEqual({
      ref: 'user:default/carol',
      type: 'user',
      groups: [
        'user:default/carol',
        'group:default/platform-admins',
        'group:default/platform-team',
      ],
    });
    await expect(
      resolver.resolveUser('mallory', { credentials }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      resolver.resolveUser('group:default/sre', { credentials }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('mostSensitive', () => {
  it('takes the most sensitive class, public when none', () => {
    expect(mostSensitive()).toBe('public');
    expect(mostSensitive('internal', undefined, 'public')).toBe('internal');
    expect(mostSensitive('confidential', 'public')).toBe('confidential');
    expect(mostSensitive('restricted', 'confidential')).toBe('restricted');
  });
});
