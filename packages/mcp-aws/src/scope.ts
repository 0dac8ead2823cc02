import { RefusedError } from './errors';

const ACCOUNT_ID = /^\d{12}$/;

/**
 * The accounts and regions this server may touch. Either list may be empty,
 * meaning any; `--scope 123456789012,eu-west-1` sets both.
 */
export class AwsScope {
  readonly accounts?: Set<string>;
  readonly regions?: Set<string>;

  constructor(items?: string[]) {
    const accounts = (items ?? []).filter(i => ACCOUNT_ID.test(i));
    const regions = (items ?? []).filter(i => !ACCOUNT_ID.test(i));
    this.accounts = accounts.length ? new Set(accounts) : undefined;
    this.regions = regions.length ? new Set(regions) : undefined;
  }

  describe(): string {
    return [...(this.accounts ?? []), ...(this.regions ?? [])].join(', ');
  }

  /** Throws RefusedError when the region is outside the scope. */
  checkRegion(region: string): void {
    if (this.regions && !this.regions.has(region)) {
      throw new RefusedError(
        `Region "${region}" is outside this server's scope (${this.describe()})`,
        `use a region in scope (${[...this.regions].join(
          ', ',
        )}); this server was started with --scope and cannot act elsewhere — ask an operator for a server scoped to "${region}"`,
      );
    }
  }

  /** Throws RefusedError when the account is outside the scope. */
  checkAccount(account: string | undefined): void {
    if (this.accounts && (!account || !this.accounts.has(account))) {
      throw new RefusedError(
        `Account "${
          account ?? 'unknown'
        }" is outside this server's scope (${this.describe()})`,
        `the role map sends this tool to an account outside --scope (${[
          ...this.accounts,
        ].join(
          ', ',
        )}); an operator must map it to a role in an in-scope account`,
      );
    }
  }
}
