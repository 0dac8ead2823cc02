import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PolicyLoadProblem } from '@pilothouse/plugin-llm-gateway-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DatabasePolicyStore } from './DatabasePolicyStore';
import { formatValidationErrors } from './policyDocument';

/**
 * Brings the repository's policy files (`<name>.yaml`) into the store at
 * start. A file that differs from the latest stored version becomes a new
 * version; a file with an error is refused with its line, and the version
 * already stored stays in force. Returns the refusals, for the status page.
 */
export async function loadPolicyFiles(options: {
  directory: string;
  store: DatabasePolicyStore;
  logger: LoggerService;
}): Promise<PolicyLoadProblem[]> {
  const { directory, store, logger } = options;
  let entries: string[];
  try {
    entries = await fs.readdir(directory);
  } catch (error) {
    logger.warn('policy directory not readable; using stored policies only', {
      directory,
      error: (error as Error).message,
    });
    return [];
  }

  const problems: PolicyLoadProblem[] = [];
  for (const entry of entries.filter(e => /\.ya?ml$/.test(e)).sort()) {
    const name = entry.replace(/\.ya?ml$/, '');
    const file = path.join(directory, entry);
    const source = await fs.readFile(file, 'utf8');
    const result = await store.importFile(name, source, entry);
    if (result.outcome === 'refused') {
      const kept = await store.get(name);
      logger.error(
        `policy file ${entry} refused: ${formatValidationErrors(
          result.errors,
        )}`,
        {
          policy: name,
          file,
          inForce: kept ? `version ${kept.version}` : 'none',
        },
      );
      problems.push({
        name,
        location: file,
        errors: result.errors,
        time: new Date().toISOString(),
      });
    } else if (result.outcome === 'stored') {
      logger.info('policy file stored as a new version', {
        policy: name,
        file,
        version: result.document.version,
      });
    }
  }
  return problems;
}
