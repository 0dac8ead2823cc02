import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { SloSummary } from '@pilothouse/plugin-slo-common';
import type { SloService } from './services/Evaluation/SloService';

/** An SLO as actions answer it: the figures a person or a model acts on. */
function brief(s: SloSummary) {
  return {
    entityRef: s.entityRef,
    title: s.title,
    targetRef: s.targetRef,
    ownerRef: s.ownerRef,
    systemRef: s.systemRef,
    objective: s.objective,
    window:
      s.window.kind === 'rolling'
        ? `rolling ${s.window.duration}`
        : `calendar ${s.window.unit} from ${s.window.start}`,
    status: s.status,
    statusSince: s.statusSince,
    sli: s.sli.value,
    budgetRemaining: s.budgetRemaining,
    burnRates: Object.fromEntries(
      Object.entries(s.burnRates).map(([w, v]) => [w, v ?? null]),
    ),
    firingAlerts: s.alerts
      .filter(a => a.firing)
      .map(
        a =>
          `${a.name} (${a.severity}): burn rate ${a.longBurnRate?.toFixed(
            2,
          )} over ${a.longDuration ?? a.longWindow} and ${a.shortBurnRate?.toFixed(
            2,
          )} over ${a.shortDuration ?? a.shortWindow}, threshold ${a.threshold}`,
      ),
    evaluatedAt: s.evaluatedAt,
    error: s.error,
  };
}

function briefSchema(z: typeof import('zod/v3').z) {
  return z.object({
    entityRef: z.string(),
    title: z.string(),
    targetRef: z.string().optional(),
    ownerRef: z.string().optional(),
    systemRef: z.string().optional(),
    objective: z.number(),
    window: z.string(),
    status: z.enum(['ok', 'warning', 'burning', 'unknown']),
    statusSince: z.string().optional(),
    sli: z.number().nullable().describe('Fraction of good events over the window'),
    budgetRemaining: z
      .number()
      .nullable()
      .describe('Fraction of the error budget left (negative when overspent)'),
    burnRates: z.record(z.number().nullable()),
    firingAlerts: z.array(z.string()),
    evaluatedAt: z.string().optional(),
    error: z.string().optional(),
  });
}

/**
 * SLO answers as Backstage actions (`slo:list-slos`, `slo:get-slo-status`,
 * `slo:list-burning-slos`), served over MCP by mcp-actions. Each reads the
 * catalog as the caller, so they see only the SLOs they may read.
 */
export function registerSloActions(
  registry: ActionsRegistryService,
  slos: SloService,
) {
  registry.register({
    name: 'list-slos',
    title: 'List SLOs',
    description:
      'Lists the service level objectives (SLOs) in the catalog with their current SLI, error budget remaining, burn rates per window and firing burn-rate alerts, the ones in trouble first. Filter by owner group, system or status. Example: {"owner": "group:default/payments-team"}.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          owner: z.string().optional().describe('Owner group, e.g. group:default/payments-team'),
          system: z.string().optional().describe('System, e.g. system:default/payments-platform'),
          status: z
            .enum(['ok', 'warning', 'burning', 'unknown'])
            .optional()
            .describe('Only SLOs with this status'),
        }),
      output: z =>
        z.object({
          items: z.array(briefSchema(z)),
          error: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const result = await slos.list(credentials, {
        owner: input.owner ? [input.owner] : undefined,
        system: input.system ? [input.system] : undefined,
        status: input.status ? [input.status] : undefined,
      });
      return { output: { items: result.items.map(brief), error: result.error } };
    },
  });

  registry.register({
    name: 'get-slo-status',
    title: 'SLO status of an entity',
    description:
      'Tells whether an entity is burning its error budget: for a component (e.g. component:default/payments) every SLO that measures it, for an SLO entity (slo:default/payments-availability) that SLO; each with its burn rates, firing alerts and budget remaining. "burning" means a page alert fires.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('Component or SLO entity, e.g. component:default/payments'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          burning: z.boolean(),
          warning: z.boolean(),
          slos: z.array(briefSchema(z)),
        }),
    },
    action: async ({ input, credentials }) => {
      const status = await slos.status(input.entityRef, credentials);
      const { items } = await slos.list(credentials);
      const wanted = new Set(status.slos.map(s => s.entityRef));
      return {
        output: {
          entityRef: status.entityRef,
          burning: status.burning,
          warning: status.warning,
          slos: items.filter(i => wanted.has(i.entityRef)).map(brief),
        },
      };
    },
  });

  registry.register({
    name: 'list-burning-slos',
    title: 'Which SLOs are burning',
    description:
      'Lists the SLOs whose multi-window burn-rate alerts fire now: "burning" (a page alert: the budget goes fast) and "warning" (a ticket alert), the worst first, with since when.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
          items: z.array(briefSchema(z)),
          error: z.string().optional(),
        }),
    },
    action: async ({ credentials }) => {
      const result = await slos.list(credentials, {
        status: ['burning', 'warning'],
      });
      return { output: { items: result.items.map(brief), error: result.error } };
    },
  });
}
