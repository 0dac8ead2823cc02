import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  generatePrometheusRules,
  parseOpenSlo,
  parseSlothSpec,
  rulesToYaml,
  SloDefinition,
} from '@pilothouse/plugin-slo-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readYamlFiles } from '../checks/workspaceFiles';

export const GENERATE_SLO_RULES_ID = 'pilothouse:generateSloRules';

const SLOTH_API_VERSIONS = ['prometheus/v1', 'sloth.slok.dev/v1'];

/**
 * Reads the SLO definitions a template wrote (OpenSLO documents or Sloth
 * specs) and writes the Prometheus recording and alerting rules for them:
 * the same rules the SLO page offers, equivalent to what Sloth generates.
 */
export function createGenerateSloRulesAction() {
  return createTemplateAction({
    id: GENERATE_SLO_RULES_ID,
    description:
      "Generates Prometheus recording rules (SLI error ratios over every window, budget remaining) and the multi-window multi-burn-rate alerts for the OpenSLO documents or Sloth specs in the workspace, as Sloth would, and writes them as a Prometheus rule file. An invalid or unsupported SLO stops the run naming the file, the document and the field.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Generate the rules for the SLOs under slos/',
        example: `steps:
  - id: slo-rules
    name: Generate the SLO's Prometheus rules
    action: pilothouse:generateSloRules
    input:
      paths: [slos]
      targetPath: prometheus/slo-rules.yaml`,
      },
    ],
    schema: {
      input: {
        paths: z =>
          z
            .array(z.string().min(1))
            .min(1)
            .optional()
            .describe(
              'YAML files or folders with the SLO definitions, relative to the workspace (default: [slos])',
            ),
        targetPath: z =>
          z
            .string()
            .min(1)
            .optional()
            .describe(
              'The rule file to write, relative to the workspace (default: prometheus/slo-rules.yaml)',
            ),
      },
      output: {
        slos: z => z.number().describe('How many SLOs (objectives) got rules'),
        rules: z => z.number().describe('How many rules were written'),
      },
    },
    async handler(ctx) {
      const files = await readYamlFiles(
        ctx.workspacePath,
        ctx.input.paths ?? ['slos'],
      );
      const slos: SloDefinition[] = [];
      const problems: string[] = [];
      for (const file of files) {
        const docs = parseAllDocuments(file.content);
        const syntax = docs.flatMap(d => d.errors);
        if (syntax.length) {
          problems.push(
            ...syntax.map(e => `${file.path}: ${e.message.split('\n')[0]}`),
          );
          continue;
        }
        const values = docs.map(d => d.toJS()).filter(Boolean);
        const sloth = values.filter(v =>
          SLOTH_API_VERSIONS.includes(v?.apiVersion ?? v?.version),
        );
        const results = [
          ...sloth.map(v => parseSlothSpec(v)),
          parseOpenSlo(values.filter(v => !sloth.includes(v))),
        ];
        for (const result of results) {
          for (const p of result.problems) {
            problems.push(
              `${file.path}: ${p.document} ${p.path}: ${p.message}${
                p.severity === 'unsupported' ? ' (not supported)' : ''
              }`,
            );
          }
          slos.push(...result.slos.filter(s => !s.unsupported?.length));
        }
      }
      if (problems.length) {
        throw new InputError(
          `SLO definitions have problems:\n${problems.join('\n')}`,
        );
      }
      if (!slos.length) {
        throw new InputError(
          `No SLO definitions found in ${files.map(f => f.path).join(', ')}`,
        );
      }
      const groups = slos.flatMap(slo => generatePrometheusRules(slo));
      const targetPath = ctx.input.targetPath ?? 'prometheus/slo-rules.yaml';
      const target = resolveSafeChildPath(ctx.workspacePath, targetPath);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, rulesToYaml(groups));
      const rules = groups.reduce((n, g) => n + g.rules.length, 0);
      ctx.logger.info(
        `SLO rules: ${rules} rules for ${slos.length} SLOs written to ${targetPath}`,
      );
      ctx.output('slos', slos.length);
      ctx.output('rules', rules);
    },
  });
}
