import type {
  DetectorSetting,
  DlpRule,
  FindingAction,
} from '@pilothouse/plugin-llm-gateway-common';
import type { Knex } from 'knex';

const DETECTORS = 'llm_gateway_inspection_detectors';
const RULES = 'llm_gateway_inspection_rules';
const META = 'llm_gateway_inspection_meta';
const RULES_SEEDED = 'rules-seeded';

export type DetectorOverride = Pick<
  DetectorSetting,
  'type' | 'enabled' | 'actions' | 'minConfidence'
>;

/** Admin changes to detectors, and the custom DLP rules, in the plugin's database. */
export class DatabaseInspectionSettingsStore {
  constructor(private readonly knex: Knex) {}

  async detectorOverrides(): Promise<DetectorOverride[]> {
    const rows = await this.knex(DETECTORS).select();
    return rows.map(row => ({
      type: row.type,
      enabled: Boolean(row.enabled),
      actions: {
        input: row.input_action as FindingAction,
        output: row.output_action as FindingAction,
      },
      minConfidence: Number(row.min_confidence),
    }));
  }

  async saveDetector(setting: DetectorOverride, author: string): Promise<void> {
    await this.knex(DETECTORS)
      .insert({
        type: setting.type,
        enabled: setting.enabled,
        input_action: setting.actions.input,
        output_action: setting.actions.output,
        min_confidence: setting.minConfidence,
        updated_by: author,
        updated_at: new Date(),
      })
      .onConflict('type')
      .merge();
  }

  async rules(): Promise<DlpRule[]> {
    const rows = await this.knex(RULES).select('definition').orderBy('name');
    return rows.map(row => JSON.parse(row.definition) as DlpRule);
  }

  async replaceRules(rules: DlpRule[], author: string): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx(RULES).delete();
      if (rules.length > 0) {
        await tx.batchInsert(
          RULES,
          rules.map(rule => ({
            name: rule.name,
            definition: JSON.stringify(rule),
            updated_by: author,
            updated_at: new Date(),
          })),
          100,
        );
      }
      await tx(META)
        .insert({ key: RULES_SEEDED, value: new Date().toISOString() })
        .onConflict('key')
        .ignore();
    });
  }

  /**
   * Puts the configured rules in on the first start only: afterwards the
   * admin page owns them (deleting every rule must not bring them back).
   */
  async seedRules(rules: DlpRule[]): Promise<boolean> {
    const seeded = await this.knex(META).where({ key: RULES_SEEDED }).first();
    if (seeded) return false;
    await this.replaceRules(rules, 'config');
    return true;
  }
}
