/*
 * Small working stand-ins for the gateway parts built on other branches
 * (Inspector, PolicyEngine, EntityResolver, Quotas, AuditLog), so the
 * gateway core's tests run against real behaviour: a regex finds one kind of
 * secret and e-mail addresses, rules decide, an in-memory log chains hashes.
 * After the merge, end-to-end tests switch to the real parts.
 */
import { NotFoundError } from '@backstage/errors';
import type {
  AuditRecord,
  DataClass,
  EntityContext,
  Finding,
  PolicyDecision,
  PolicyInput,
  Principal,
} from '@pilothouse/plugin-llm-gateway-common';
import { createHash, randomUUID } from 'node:crypto';
import type { GatewayParts } from '../services/parts';
import type {
  AuditEntry,
  AuditLog,
  EntityResolver,
  InspectionContext,
  Inspector,
  PolicyEngine,
  Quotas,
} from '../services/types';

/** An AWS access key id built at run time (the documented example key). */
export const AWS_EXAMPLE_KEY = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');

const DETECTORS: Array<{
  type: string;
  subtype?: string;
  pattern: RegExp;
  action: Finding['action'];
  dataClass: DataClass;
}> = [
  {
    type: 'SECRET',
    subtype: 'aws-access-key',
    pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
    action: 'block',
    dataClass: 'restricted',
  },
  {
    type: 'EMAIL',
    pattern: /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g,
    action: 'redact',
    dataClass: 'internal',
  },
  {
    // A custom rule: a confidential project's code name.
    type: 'PROJECT_ORCA',
    pattern: /\bproject orca\b/gi,
    action: 'allow',
    dataClass: 'confidential',
  },
];

const CLASSES: DataClass[] = [
  'public',
  'internal',
  'confidential',
  'restricted',
];
const maxClass = (a: DataClass, b: DataClass) =>
  CLASSES.indexOf(a) >= CLASSES.indexOf(b) ? a : b;

/** Finds AWS keys (block), e-mail addresses (redact, restorable) and a code name. */
export function testInspector(): Inspector & { inspected: string[] } {
  // placeholder → original, per principal and conversation
  const vaults = new Map<string, Map<string, string>>();
  const vaultOf = (principal: Principal, conversationId?: string) => {
    const key = `${principal.ref}|${conversationId ?? ''}`;
    let vault = vaults.get(key);
    if (!vault) vaults.set(key, (vault = new Map()));
    return vault;
  };
  const inspected: string[] = [];
  return {
    inspected,
    async inspect(text: string, context: InspectionContext) {
      inspected.push(text);
      const findings: Finding[] = [];
      for (const d of DETECTORS) {
        for (const m of text.matchAll(d.pattern)) {
          findings.push({
            type: d.type,
            ...(d.subtype ? { subtype: d.subtype } : {}),
            start: m.index!,
            end: m.index! + m[0].length,
            confidence: 0.99,
            action: d.action,
            detector: 'test',
            dataClass: d.dataClass,
          });
        }
      }
      const blocked = findings.some(f => f.action === 'block');
      let out = text;
      if (!blocked) {
        const vault = vaultOf(context.principal, context.conversationId);
        const redact = findings
          .filter(f => f.action === 'redact')
          .sort((a, b) => b.start - a.start);
        for (const f of redact) {
          const value = text.slice(f.start, f.end);
          let placeholder = [...vault.entries()].find(
            ([, v]) => v === value,
          )?.[0];
          if (!placeholder) {
            placeholder = `[${f.type}_${vault.size + 1}]`;
            // Only what the sender wrote is theirs to get back.
            if (context.direction === 'input') vault.set(placeholder, value);
          }
          out = out.slice(0, f.start) + placeholder + out.slice(f.end);
        }
      }
      return {
        findings,
        text: out,
        blocked,
        dataClass: findings.reduce<DataClass>(
          (c, f) => maxClass(c, f.dataClass ?? 'public'),
          'public',
        ),
      };
    },
    async restore(text, context) {
      const vault = vaultOf(context.principal, context.conversationId);
      return text.replace(/\[[A-Z_]+_\d+\]/g, p => vault.get(p) ?? p);
    },
    async detectors() {
      return [];
    },
    async rules() {
      return [];
    },
    async setRules() {},
    async setDetector() {},
  };
}

export interface TestRule {
  name: string;
  when: (input: PolicyInput) => boolean;
  decision: PolicyDecision['decision'];
  reason: string;
  approval?: PolicyDecision['approval'];
}

/** First matching rule wins; nothing matching allows, as rule `default`. */
export function testPolicyEngine(rules: TestRule[] = []): PolicyEngine & {
  inputs: PolicyInput[];
} {
  const inputs: PolicyInput[] = [];
  return {
    inputs,
    async decide(input) {
      inputs.push(input);
      const rule = rules.find(r => r.when(input));
      if (!rule) {
        return {
          decision: 'allow',
          rule: 'default',
          reason: 'no rule matched',
        };
      }
      return {
        decision: rule.decision,
        rule: rule.name,
        reason: rule.reason,
        ...(rule.approval ? { approval: rule.approval } : {}),
      };
    },
  };
}

/** Entities by ref with their data class; any other ref is not found. */
export function testEntityResolver(
  classes: Record<string, DataClass> = {},
): EntityResolver {
  return {
    async resolve(entityRef: string): Promise<EntityContext> {
      const dataClass = classes[entityRef];
      if (!dataClass) throw new NotFoundError(`No entity "${entityRef}"`);
      const [kind, rest] = entityRef.split(':');
      const [namespace, name] = rest.split('/');
      return { ref: entityRef, kind, namespace, name, dataClass };
    },
  };
}

/** Requests per principal with a hard limit; tokens are summed. */
export function testQuotas(
  requestLimit = 10_000,
): Quotas & { tokens: Map<string, number> } {
  const requests = new Map<string, number>();
  const tokens = new Map<string, number>();
  return {
    tokens,
    async admitRequest(principal) {
      const used = (requests.get(principal.ref) ?? 0) + 1;
      requests.set(principal.ref, used);
      if (used > requestLimit) {
        throw Object.assign(
          new Error(
            `${principal.ref} used its ${requestLimit} requests per minute`,
          ),
          { name: 'TooManyRequestsError', statusCode: 429 },
        );
      }
    },
    async checkTokens() {},
    async recordTokens(principal, n) {
      tokens.set(principal.ref, (tokens.get(principal.ref) ?? 0) + n);
    },
    async usage() {
      return [];
    },
    async usageReport() {
      return [];
    },
  };
}

/** In memory, hash-chained like the real one. */
export function testAuditLog(): AuditLog & { records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return {
    records,
    async append(entry: AuditEntry) {
      const prevHash = records[records.length - 1]?.hash ?? '0'.repeat(64);
      const base = {
        ...entry,
        id: randomUUID(),
        seq: records.length + 1,
        time: new Date().toISOString(),
        prevHash,
      };
      const record = {
        ...base,
        hash: createHash('sha256').update(JSON.stringify(base)).digest('hex'),
      };
      records.push(record);
      return record;
    },
    async query() {
      return { records: [...records].reverse() };
    },
    async verify() {
      return {
        ok: true,
        checked: records.length,
        verifiedAt: new Date().toISOString(),
      };
    },
    async lastVerification() {
      return undefined;
    },
  };
}

/** All five, for `createLlmGatewayPlugin({ parts })`. */
export function testParts(
  overrides: Partial<GatewayParts> = {},
): GatewayParts & {
  inspector: ReturnType<typeof testInspector>;
  auditLog: ReturnType<typeof testAuditLog>;
} {
  return {
    inspector: testInspector(),
    policyEngine: testPolicyEngine(),
    entityResolver: testEntityResolver(),
    quotas: testQuotas(),
    auditLog: testAuditLog(),
    ...overrides,
  } as any;
}
