import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Application, CicdClients } from './clients';
import { toolError } from './errors';

function repoSlug(app: Application): string | undefined {
  const match = /github\.com[/:]([^/]+\/[^/.]+?)(\.git)?\/?$/.exec(
    app.spec.source?.repoURL ?? '',
  );
  return match?.[1].toLowerCase();
}

/**
 * The Argo CD projects this server may touch; undefined means all. GitHub
 * repositories are in scope when an application of a scoped project deploys
 * from them, so one `--scope` bounds both halves of the server.
 */
export class ProjectScope {
  private readonly projects?: Set<string>;

  constructor(projects?: string[]) {
    this.projects =
      projects && projects.length > 0 ? new Set(projects) : undefined;
  }

  /** The scoped projects, sorted; undefined when unscoped. */
  get list(): string[] | undefined {
    return this.projects ? [...this.projects].sort() : undefined;
  }

  includes(project: string): boolean {
    return !this.projects || this.projects.has(project);
  }

  /** An `isError` result when the application's project is outside the scope. */
  refuseApplication(app: Application): CallToolResult | undefined {
    return this.refuse(
      app.spec.project,
      `Application "${app.metadata.name}" belongs to Argo CD project "${app.spec.project}"`,
    );
  }

  /** An `isError` result when project is outside the scope. */
  refuse(project: string, subject = `Argo CD project "${project}"`) {
    if (this.includes(project)) {
      return undefined;
    }
    return toolError(
      `${subject}, outside this server's scope (${this.list!.join(', ')})`,
      `act only on applications of ${this.list!.join(
        ', ',
      )} (list_applications shows them); this server was started with --scope and cannot act elsewhere — ask an operator for a server scoped to "${project}"`,
    );
  }

  /** An `isError` result when no scoped application deploys from repository. */
  async refuseRepository(
    repository: string,
    clients: CicdClients,
  ): Promise<CallToolResult | undefined> {
    if (!this.projects) {
      return undefined;
    }
    const apps = await clients.argocd.listApplications({
      projects: this.list,
    });
    const repos = new Set(apps.map(repoSlug).filter(Boolean));
    if (repos.has(repository.toLowerCase())) {
      return undefined;
    }
    return toolError(
      `Repository "${repository}" is not the source of any application in this server's scope (${this.list!.join(
        ', ',
      )})`,
      `use a repository that an in-scope application deploys from (${
        [...repos].sort().join(', ') || 'none'
      }); ask an operator for a server scoped to its project`,
    );
  }
}
