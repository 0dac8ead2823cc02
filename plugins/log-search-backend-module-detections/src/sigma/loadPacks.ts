import fs from 'node:fs/promises';
import path from 'node:path';
import { parseSigmaFile, SigmaRule } from './rules';

export interface RulePackSource {
  /** Names the pack in the rule list (`kubernetes`, `ai-traffic`). */
  name: string;
  /** A directory, searched recursively for `.yml` and `.yaml` files. */
  path: string;
}

export interface LoadedPack {
  name: string;
  path: string;
  rules: SigmaRule[];
  /** Files or documents that are not valid Sigma, with why. */
  errors: Array<{ file: string; error: string }>;
  /** Set when the directory could not be read. */
  missing?: string;
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await yamlFiles(full)));
    else if (/\.ya?ml$/i.test(entry.name)) files.push(full);
  }
  return files;
}

/** Reads one pack's rules; a directory that is not there is reported, not thrown. */
export async function loadRulePack(
  source: RulePackSource,
): Promise<LoadedPack> {
  const pack: LoadedPack = {
    name: source.name,
    path: source.path,
    rules: [],
    errors: [],
  };
  let files: string[];
  try {
    files = await yamlFiles(source.path);
  } catch (error) {
    pack.missing = `cannot read ${source.path}: ${
      (error as NodeJS.ErrnoException).code ?? (error as Error).message
    }`;
    return pack;
  }
  for (const file of files) {
    const text = await fs.readFile(file, 'utf8');
    const parsed = parseSigmaFile(text, {
      pack: source.name,
      file: path.relative(source.path, file),
    });
    pack.rules.push(...parsed.rules);
    pack.errors.push(...parsed.errors);
  }
  return pack;
}
