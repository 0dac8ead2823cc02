import type { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './prometheus';

/**
 * The repository's OpenSLO documents (catalog/slos.yaml) as the catalog
 * holds them after the openslo module: entities in the default namespace.
 */
export function repoSloEntities(): Entity[] {
  const text = fs.readFileSync(
    path.join(repoRoot, 'catalog/slos.yaml'),
    'utf8',
  );
  return parseAllDocuments(text)
    .map(doc => doc.toJS() as Entity)
    .filter(Boolean)
    .map(doc => ({
      ...doc,
      metadata: { namespace: 'default', ...doc.metadata },
    }));
}
