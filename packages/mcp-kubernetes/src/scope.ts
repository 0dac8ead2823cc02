import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toolError } from './errors';

/** The namespaces this server may touch; undefined means the whole cluster. */
export class NamespaceScope {
  private readonly namespaces?: Set<string>;

  constructor(namespaces?: string[]) {
    this.namespaces =
      namespaces && namespaces.length > 0 ? new Set(namespaces) : undefined;
  }

  get isClusterWide(): boolean {
    return !this.namespaces;
  }

  /** The scoped namespaces, sorted; undefined when cluster-wide. */
  get list(): string[] | undefined {
    return this.namespaces ? [...this.namespaces].sort() : undefined;
  }

  includes(namespace: string): boolean {
    return !this.namespaces || this.namespaces.has(namespace);
  }

  /** An `isError` result when namespace is outside the scope, else undefined. */
  refuse(namespace: string): CallToolResult | undefined {
    if (this.includes(namespace)) {
      return undefined;
    }
    return toolError(
      `Namespace "${namespace}" is outside this server's scope (${this.list!.join(
        ', ',
      )})`,
      `use a namespace in scope (${this.list!.join(
        ', ',
      )}); this server was started with --scope and cannot act elsewhere — ask an operator for a server scoped to "${namespace}"`,
    );
  }
}
