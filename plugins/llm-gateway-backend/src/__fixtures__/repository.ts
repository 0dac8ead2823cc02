import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository root, for the tests that use its catalog and policies. */
export const repoRoot = path.resolve(
  resolvePackagePath('@pilothouse/plugin-llm-gateway-backend'),
  '../..',
);

export const repoPolicyDirectory = path.join(repoRoot, 'policies/gateway');

/** The repository's users, groups and components, as written in catalog/. */
export function repoCatalogEntities(
  files = ['catalog/org.yaml', 'catalog/components.yaml'],
): Entity[] {
  return files.flatMap(file =>
    parseAllDocuments(fs.readFileSync(path.join(repoRoot, file), 'utf8'))
      .map(doc => doc.toJS() as Entity)
      .filter(Boolean),
  );
}

/** Every entity of catalog/: org, systems, components, APIs, resources. */
export const repoWholeCatalog = () =>
  repoCatalogEntities(
    ['org', 'systems', 'components', 'apis', 'resources'].map(
      name => `catalog/${name}.yaml`,
    ),
  );

/** The repository's policy files, by name. */
export function repoPolicies(): Array<{ name: string; source: string }> {
  return fs
    .readdirSync(repoPolicyDirectory)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(f => ({
      name: f.replace(/\.yaml$/, ''),
      source: fs.readFileSync(path.join(repoPolicyDirectory, f), 'utf8'),
    }));
}
