import type * as WorkflowParser from '@actions/workflow-parser';
import fs from 'node:fs';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from './findings';

const PACKAGE = '@actions/workflow-parser';

let parser: typeof WorkflowParser | undefined;

/**
 * GitHub's workflow parser is published for bundlers: ES modules with an
 * import-only export map, and a JSON import without `with { type: 'json' }`,
 * which Node refuses. A load hook serves that one JSON file as a module, and
 * the entry is required by its file path (Node loads it as ESM; jest
 * transforms it).
 */
function loadWorkflowParser(): typeof WorkflowParser {
  if (parser) {
    return parser;
  }
  const root = (require.resolve.paths(PACKAGE) ?? [])
    .map(dir => path.join(dir, PACKAGE))
    .find(dir => fs.existsSync(path.join(dir, 'package.json')));
  if (!root) {
    throw new Error(`${PACKAGE} is not installed`);
  }
  const packageUrl = `${pathToUrlPrefix(root)}/`;
  registerHooks({
    load(url, context, nextLoad) {
      if (
        url.startsWith(packageUrl) &&
        url.endsWith('.json') &&
        context.importAttributes?.type !== 'json'
      ) {
        const json = fs.readFileSync(fileURLToPath(url), 'utf8');
        return {
          format: 'module',
          source: `export default ${json};`,
          shortCircuit: true,
        };
      }
      return nextLoad(url, context);
    },
  });
  // eslint-disable-next-line @backstage/no-relative-monorepo-imports, import/no-dynamic-require
  parser = require(path.join(
    root,
    'dist',
    'index.js',
  )) as typeof WorkflowParser;
  return parser;
}

function pathToUrlPrefix(dir: string): string {
  return new URL(`file://${path.resolve(dir)}`).href;
}

const POSITION = /^.*? \(Line: (\d+), Col: (\d+)\): /;

/**
 * Parses a workflow with GitHub's own parser and converts it to the model the
 * Actions runner uses, which adds semantic errors (unknown `needs`, no job
 * without dependencies, bad expressions) to the schema errors.
 */
export async function parseWorkflowFile(
  file: string,
  content: string,
): Promise<Finding[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } =
    loadWorkflowParser();
  const result = parseWorkflow(
    { name: file, content },
    new NoOperationTraceWriter(),
  );
  const messages = new Map<string, Finding>();
  const add = (message: string, line?: number, column?: number) => {
    const position = POSITION.exec(message);
    const finding: Finding = {
      file,
      line: line ?? (position ? Number(position[1]) : 1),
      column: column ?? (position ? Number(position[2]) : 1),
      check: 'workflow-parser',
      message: message.replace(POSITION, ''),
    };
    messages.set(
      `${finding.line}:${finding.column}:${finding.message}`,
      finding,
    );
  };
  for (const error of result.context.errors.getErrors()) {
    add(error.message, error.range?.start.line, error.range?.start.column);
  }
  if (result.value) {
    const template = await convertWorkflowTemplate(
      result.context,
      result.value,
      undefined,
      { errorPolicy: 1 /* ErrorPolicy.TryConversion */ },
    );
    for (const error of template.errors ?? []) {
      add(error.Message);
    }
  }
  return [...messages.values()].sort((a, b) => a.line - b.line);
}
