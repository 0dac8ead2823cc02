import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  BUILTIN_FINDING_TYPES,
  DATA_CLASSES,
  type BuiltinFindingType,
  type DataClass,
  type DetectorSetting,
  type DlpRule,
  type Finding,
  type FindingAction,
} from '@pilothouse/plugin-llm-gateway-common';
import { z } from 'zod';
import type { InspectionContext, InspectionOutcome, Inspector } from '../types';
import { BUILTIN_DATA_CLASS, DEFAULT_DETECTORS } from './defaults';
import { createAddressDetector } from './detectors/address';
import { createCreditCardDetector } from './detectors/creditCard';
import {
  compileRules,
  createCustomRuleDetector,
  type CompiledRule,
} from './detectors/customRules';
import { createEmailDetector } from './detectors/email';
import { createIbanDetector } from './detectors/iban';
import { createIpAddressDetector } from './detectors/ipAddress';
import { createPersonDetector } from './detectors/person';
import { createPhoneDetector } from './detectors/phone';
import { createSecretsDetector } from './detectors/secrets';
import { createSsnDetector } from './detectors/ssn';
import type { Detection, Detector } from './detectors/types';
import type {
  DatabaseInspectionSettingsStore,
  DetectorOverride,
} from './InspectionSettingsStore';
import type { InspectionKeys } from './keys';
import { resolveOverlaps } from './overlaps';
import {
  PLACEHOLDER_PATTERN,
  placeholderFor,
  withheldPlaceholderFor,
  type DatabasePlaceholderVault,
} from './PlaceholderVault';
import { hashValue, maskValue, normalizeValue } from './transforms';

const ACTION = z.enum(['allow', 'mask', 'redact', 'hash', 'block']);

const detectorSettingSchema = z.object({
  type: z.string(),
  enabled: z.boolean(),
  actions: z.object({ input: ACTION, output: ACTION }),
  minConfidence: z.number().min(0).max(1),
});

/** What the built-in detectors are built from. */
export interface BuiltinDetectorOptions {
  /** Region for numbers written without a country code (ISO 3166 alpha-2). */
  phoneRegion?: string;
}

export function createBuiltinDetectors(
  options: BuiltinDetectorOptions = {},
): Record<BuiltinFindingType, Detector> {
  return {
    SECRET: createSecretsDetector(),
    US_SSN: createSsnDetector(),
    CREDIT_CARD: createCreditCardDetector(),
    IBAN: createIbanDetector(),
    EMAIL: createEmailDetector(),
    PHONE: createPhoneDetector((options.phoneRegion ?? 'US') as any),
    PERSON: createPersonDetector(),
    ADDRESS: createAddressDetector(),
    IP_ADDRESS: createIpAddressDetector(),
  };
}

/** Settings and compiled rules as of the last load. */
interface ActiveState {
  settings: Map<string, DetectorSetting>;
  rules: CompiledRule[];
  detectors: Detector[];
  dataClass: Map<string, DataClass>;
  loadedAt: number;
}

export interface DefaultInspectorOptions {
  logger: LoggerService;
  store: DatabaseInspectionSettingsStore;
  vault: DatabasePlaceholderVault;
  keys: InspectionKeys;
  /** Config-level changes to the built-in defaults. */
  configured?: Partial<Record<string, Partial<Omit<DetectorOverride, 'type'>>>>;
  builtins?: Record<BuiltinFindingType, Detector>;
  /** How often settings are read again (other replicas' admin edits). */
  refreshMs?: number;
}

function maxClass(a: DataClass, b: DataClass): DataClass {
  return DATA_CLASSES.indexOf(a) >= DATA_CLASSES.indexOf(b) ? a : b;
}

/**
 * Runs every enabled detector once over the text, keeps one finding per
 * span, and applies each finding's action for the direction.
 */
export class DefaultInspector implements Inspector {
  private readonly builtins: Record<BuiltinFindingType, Detector>;
  private state?: ActiveState;
  private loading?: Promise<ActiveState>;

  constructor(private readonly options: DefaultInspectorOptions) {
    this.builtins = options.builtins ?? createBuiltinDetectors();
  }

  private async load(): Promise<ActiveState> {
    const [overrides, rules] = await Promise.all([
      this.options.store.detectorOverrides(),
      this.options.store.rules(),
    ]);
    const settings = new Map<string, DetectorSetting>();
    for (const type of BUILTIN_FINDING_TYPES) {
      const base = DEFAULT_DETECTORS[type];
      const configured = this.options.configured?.[type] ?? {};
      const override = overrides.find(o => o.type === type);
      settings.set(type, {
        type,
        builtin: true,
        description: base.description,
        enabled: override?.enabled ?? configured.enabled ?? base.enabled,
        actions: override?.actions ?? {
          input: configured.actions?.input ?? base.actions.input,
          output: configured.actions?.output ?? base.actions.output,
        },
        minConfidence:
          override?.minConfidence ??
          configured.minConfidence ??
          base.minConfidence,
      });
    }
    let compiled: CompiledRule[] = [];
    try {
      compiled = compileRules(rules);
    } catch (error) {
      // Stored rules were valid when saved; a newer validation must not
      // switch inspection off, so drop only the rules that fail now.
      this.options.logger.warn('a stored DLP rule no longer compiles', {
        error: String(error),
      });
      compiled = rules.flatMap(rule => {
        try {
          return compileRules([rule]);
        } catch {
          return [];
        }
      });
    }
    const dataClass = new Map<string, DataClass>(
      Object.entries(BUILTIN_DATA_CLASS),
    );
    for (const { rule } of compiled) {
      settings.set(rule.name, {
        type: rule.name,
        builtin: false,
        description: rule.description,
        enabled: true,
        actions: rule.actions,
        minConfidence: 0,
      });
      dataClass.set(rule.name, rule.dataClass);
    }
    const detectors: Detector[] = [
      ...BUILTIN_FINDING_TYPES.filter(t => settings.get(t)!.enabled).map(
        t => this.builtins[t],
      ),
      ...compiled.map(createCustomRuleDetector),
    ];
    return {
      settings,
      rules: compiled,
      detectors,
      dataClass,
      loadedAt: Date.now(),
    };
  }

  private async active(): Promise<ActiveState> {
    const refreshMs = this.options.refreshMs ?? 30_000;
    if (this.state && Date.now() - this.state.loadedAt < refreshMs)
      return this.state;
    if (!this.loading) {
      this.loading = this.load().finally(() => {
        this.loading = undefined;
      });
    }
    try {
      this.state = await this.loading;
    } catch (error) {
      // Keep inspecting with the last good settings if a reload fails.
      if (!this.state) throw error;
      this.options.logger.warn('reloading inspection settings failed', {
        error: String(error),
      });
    }
    return this.state;
  }

  private async reload(): Promise<void> {
    this.state = await this.load();
  }

  async inspect(
    text: string,
    context: InspectionContext,
  ): Promise<InspectionOutcome> {
    const state = await this.active();
    const results = await Promise.all(state.detectors.map(d => d.detect(text)));
    const passing = results
      .flat()
      .filter(
        d => d.confidence >= (state.settings.get(d.type)?.minConfidence ?? 0),
      );
    const kept = resolveOverlaps(passing);

    let dataClass: DataClass = 'public';
    let blocked = false;
    const findings: Finding[] = kept.map(d => {
      const action =
        state.settings.get(d.type)?.actions[context.direction] ?? 'allow';
      const cls = state.dataClass.get(d.type) ?? 'internal';
      dataClass = maxClass(dataClass, cls);
      if (action === 'block') blocked = true;
      return {
        type: d.type,
        ...(d.subtype ? { subtype: d.subtype } : {}),
        start: d.start,
        end: d.end,
        confidence: d.confidence,
        action,
        detector: d.detector,
        dataClass: cls,
      };
    });

    if (blocked || findings.every(f => f.action === 'allow')) {
      return { findings, text, blocked, dataClass };
    }
    const replacements = await this.replacements(text, kept, findings, context);
    let out = '';
    let at = 0;
    findings.forEach((finding, i) => {
      const replacement = replacements[i];
      if (replacement === undefined) return;
      out += text.slice(at, finding.start) + replacement;
      at = finding.end;
    });
    out += text.slice(at);
    return { findings, text: out, blocked, dataClass };
  }

  /** The text that stands for each finding (undefined: left as is). */
  private async replacements(
    text: string,
    kept: Detection[],
    findings: Finding[],
    context: InspectionContext,
  ): Promise<Array<string | undefined>> {
    const out: Array<string | undefined> = new Array(findings.length);
    const redact: Array<{
      index: number;
      type: string;
      value: string;
      normalized: string;
    }> = [];
    findings.forEach((finding, i) => {
      const value = text.slice(finding.start, finding.end);
      const normalized = normalizeValue(
        finding.type,
        value,
        kept[i].normalized,
      );
      switch (finding.action) {
        case 'mask':
          out[i] = maskValue(value);
          break;
        case 'hash':
          out[i] = hashValue(this.options.keys.hash, finding.type, normalized);
          break;
        case 'redact':
          redact.push({ index: i, type: finding.type, value, normalized });
          break;
        default:
          break;
      }
    });
    if (redact.length === 0) return out;
    // Only what the sender wrote is theirs to get back: a value found in a
    // model's answer or a tool's result stays redacted for the sender too.
    if (context.conversationId && context.direction === 'input') {
      const placeholders = await this.options.vault.assign(
        {
          principalRef: context.principal.ref,
          conversationId: context.conversationId,
        },
        redact,
      );
      redact.forEach((r, i) => {
        out[r.index] = placeholders[i];
      });
    } else {
      // Output, or no conversation: stable within this one text, not restorable.
      const seen = new Map<string, string>();
      const counts = new Map<string, number>();
      for (const r of redact) {
        const key = `${r.type}\0${r.normalized}`;
        let placeholder = seen.get(key);
        if (!placeholder) {
          const n = (counts.get(r.type) ?? 0) + 1;
          counts.set(r.type, n);
          // Output placeholders look different from the sender's restorable
          // ones, so a `[EMAIL_1]` withheld from an answer can never be
          // "restored" to the sender's own `[EMAIL_1]`.
          placeholder =
            context.direction === 'output'
              ? withheldPlaceholderFor(r.type, n)
              : placeholderFor(r.type, n);
          seen.set(key, placeholder);
        }
        out[r.index] = placeholder;
      }
    }
    return out;
  }

  async restore(
    text: string,
    context: {
      principal: InspectionContext['principal'];
      conversationId?: string;
    },
  ): Promise<string> {
    if (!context.conversationId || !text.includes('[')) return text;
    const wanted = [...text.matchAll(PLACEHOLDER_PATTERN)].map(m => m[0]);
    if (wanted.length === 0) return text;
    const values = await this.options.vault.resolve(
      {
        principalRef: context.principal.ref,
        conversationId: context.conversationId,
      },
      wanted,
    );
    return text.replace(PLACEHOLDER_PATTERN, p => values.get(p) ?? p);
  }

  async detectors(): Promise<DetectorSetting[]> {
    const state = await this.active();
    return [...state.settings.values()];
  }

  async rules(): Promise<DlpRule[]> {
    const state = await this.active();
    return state.rules.map(r => r.rule);
  }

  async setRules(rules: DlpRule[], author: string): Promise<void> {
    const compiled = compileRules(rules);
    await this.options.store.replaceRules(
      compiled.map(c => c.rule),
      author,
    );
    this.options.logger.info('DLP rules replaced', {
      author,
      rules: compiled.map(c => c.rule.name).join(','),
    });
    await this.reload();
  }

  async setDetector(setting: DetectorSetting, author: string): Promise<void> {
    const parsed = detectorSettingSchema.safeParse(setting);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        `detector setting ${issue.path.join('.')}: ${issue.message}`,
      );
    }
    const { type, enabled, actions, minConfidence } = parsed.data;
    if (!(BUILTIN_FINDING_TYPES as readonly string[]).includes(type)) {
      const state = await this.active();
      if (state.settings.has(type)) {
        throw new InputError(
          `${type} is a custom DLP rule: change it with PUT /v1/rules`,
        );
      }
      throw new NotFoundError(`no detector ${type}`);
    }
    await this.options.store.saveDetector(
      {
        type,
        enabled,
        actions: actions as Record<'input' | 'output', FindingAction>,
        minConfidence,
      },
      author,
    );
    this.options.logger.info('detector setting changed', {
      author,
      type,
      enabled,
      input: actions.input,
      output: actions.output,
      minConfidence,
    });
    await this.reload();
  }
}
