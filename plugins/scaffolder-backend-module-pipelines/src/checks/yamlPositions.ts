import {
  Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';

/** A YAML file's documents, with a way to turn a node into its line and column. */
export interface ParsedYaml {
  documents: Document.Parsed[];
  position(node: Node | null | undefined): { line: number; column: number };
  /** Syntax errors, with their positions. */
  errors: { line: number; column: number; message: string }[];
}

export function parseYamlWithPositions(content: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(content, { lineCounter });
  const list = Array.isArray(documents) ? documents : [];
  const position = (node: Node | null | undefined) => {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const errors = list.flatMap(doc =>
    doc.errors.map(e => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { line, column: col, message: e.message.split('\n')[0] };
    }),
  );
  return { documents: list, position, errors };
}

/** The pairs of a YAML map, keyed by their scalar key. */
export function mapEntries(node: unknown): [string, Pair<Node, Node>][] {
  if (!isMap(node)) {
    return [];
  }
  return (node as YAMLMap<Node, Node>).items.flatMap(pair =>
    isScalar(pair.key)
      ? [[String(pair.key.value), pair] as [string, Pair<Node, Node>]]
      : [],
  );
}

export function mapGet(node: unknown, key: string): Node | undefined {
  return mapEntries(node).find(([k]) => k === key)?.[1].value ?? undefined;
}

export function seqItems(node: unknown): Node[] {
  return isSeq(node) ? (node.items as Node[]) : [];
}

export function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}
