import {
  AuthService,
  resolveSafeChildPath,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import {
  commitAll,
  commitToNewBranch,
  listBranches,
} from '../publish/localRepository';

export const PUBLISH_LOCAL_ID = 'pilothouse:publishLocal';

/** Where local repositories go: `pilothouse.localRepositories.directory`. */
export const LOCAL_REPOSITORIES_KEY = 'pilothouse.localRepositories.directory';

// A catalog-info.yaml from a template may describe these kinds. Users,
// groups, locations and MCP servers (whose declared permissions become Roles)
// stay with the administrators (the registration is made with the
// scaffolder's own credentials, see below).
const REGISTRABLE_KINDS = ['Component', 'API', 'Resource', 'Agent', 'SLO'];

export interface PublishLocalOptions {
  config: RootConfigService;
  catalog: CatalogService;
  auth: AuthService;
}

/**
 * The laptop's publish step: commits the workspace to a new Git repository
 * under the data folder and registers its catalog-info.yaml, so a person with
 * no GitHub credentials still sees the new component in the catalog.
 */
export function createPublishLocalAction(options: PublishLocalOptions) {
  const { config, catalog, auth } = options;
  return createTemplateAction({
    id: PUBLISH_LOCAL_ID,
    description: `Commits the workspace to a new local Git repository under the folder set by ${LOCAL_REPOSITORIES_KEY} (isomorphic-git) and registers its catalog-info.yaml in the catalog; with updateBranch, commits it to a new branch of a repository it created before (a template update, to review and merge). For laptops without GitHub or GitLab credentials; production uses publish:github or publish:gitlab.`,
    supportsDryRun: true,
    examples: [
      {
        description: 'Publish the generated service and register it',
        example: `steps:
  - id: publish
    name: Publish to a local repository
    action: pilothouse:publishLocal
    input:
      repoName: \${{ parameters.name }}
  - id: done
    action: debug:log
    input:
      message: Registered \${{ steps.publish.output.entityRef }}`,
      },
      {
        description:
          'Update a repository generated from an earlier template version: a branch to review and merge',
        example: `steps:
  - id: publish
    action: pilothouse:publishLocal
    input:
      repoName: payments
      updateBranch: template-update/service-pipeline-1.1.0
      gitCommitMessage: Update to service-pipeline 1.1.0`,
      },
      {
        description:
          'Publish without registering (the component is already in the catalog)',
        example: `steps:
  - id: publish
    action: pilothouse:publishLocal
    input:
      repoName: payments-pipeline
      register: false`,
      },
    ],
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .regex(
              /^[a-z0-9]([a-z0-9._-]{0,98}[a-z0-9])?$/,
              'lower-case letters, digits, dots, dashes and underscores, starting and ending with a letter or digit',
            )
            .describe('Name of the repository folder to create'),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Subfolder of the workspace to publish (default: the whole workspace)',
            ),
        defaultBranch: z =>
          z.string().optional().describe('Branch to commit to (default: main)'),
        gitCommitMessage: z =>
          z
            .string()
            .optional()
            .describe(
              'Commit message (default: scaffolder.defaultCommitMessage)',
            ),
        updateBranch: z =>
          z
            .string()
            .regex(
              /^[A-Za-z0-9][A-Za-z0-9._/-]{0,98}[A-Za-z0-9]$/,
              'letters, digits, dots, dashes, underscores and slashes, starting and ending with a letter or digit',
            )
            .refine(name => !name.includes('..') && !name.includes('//'), {
              message: 'must not contain ".." or "//"',
            })
            .optional()
            .describe(
              'Update a repository created before instead of creating one: commit the workspace to this new branch of it, to review and merge like a pull request (nothing is registered)',
            ),
        register: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Register catalog-info.yaml in the catalog (default: true)',
            ),
        catalogInfoPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path of the entity file inside the repository (default: catalog-info.yaml)',
            ),
      },
      output: {
        remoteUrl: z => z.string().describe('file: URL of the new repository'),
        repoContentsUrl: z =>
          z.string().describe('file: URL of the repository folder'),
        commitHash: z => z.string().describe('SHA of the commit'),
        branch: z =>
          z
            .string()
            .optional()
            .describe('The branch committed to, for an update'),
        catalogInfoUrl: z =>
          z.string().describe('Location registered in the catalog'),
        entityRef: z =>
          z.string().describe('Ref of the first entity in catalog-info.yaml'),
      },
    },
    async handler(ctx) {
      // The scaffolder does not fill in schema defaults; they are applied here.
      const register = ctx.input.register ?? true;
      const catalogInfoPath = ctx.input.catalogInfoPath ?? 'catalog-info.yaml';
      const directory = config.getOptionalString(LOCAL_REPOSITORIES_KEY);
      if (!directory) {
        throw new InputError(
          `${PUBLISH_LOCAL_ID} needs ${LOCAL_REPOSITORIES_KEY} in the app config: the folder where local repositories are created`,
        );
      }
      const root = path.resolve(directory);
      const repoDir = resolveSafeChildPath(root, ctx.input.repoName);
      const sourceDir = ctx.input.sourcePath
        ? resolveSafeChildPath(ctx.workspacePath, ctx.input.sourcePath)
        : ctx.workspacePath;
      const catalogInfoFile = resolveSafeChildPath(sourceDir, catalogInfoPath);

      const entities = await readRegistrableEntities(
        catalogInfoFile,
        catalogInfoPath,
      );
      const entityRef = stringifyEntityRef(entities[0]);
      const targetFile = path.join(
        repoDir,
        path.relative(sourceDir, catalogInfoFile),
      );
      const remoteUrl = pathToFileURL(repoDir).href;
      const catalogInfoUrl = pathToFileURL(targetFile).href;

      const author = {
        name:
          config.getOptionalString('scaffolder.defaultAuthor.name') ??
          'Scaffolder',
        email:
          config.getOptionalString('scaffolder.defaultAuthor.email') ??
          'scaffolder@backstage.io',
      };
      const defaultBranch = ctx.input.defaultBranch ?? 'main';

      if (ctx.input.updateBranch) {
        // A template update: a branch of the repository, nothing registered.
        const branch = ctx.input.updateBranch;
        if (!(await exists(path.join(repoDir, '.git')))) {
          throw new NotFoundError(
            `There is no repository named ${ctx.input.repoName} under ${LOCAL_REPOSITORIES_KEY} to update; publish it first`,
          );
        }
        const branches = await listBranches(repoDir);
        if (!branches.includes(defaultBranch)) {
          throw new InputError(
            `The repository ${ctx.input.repoName} has no branch ${defaultBranch} to start the update from`,
          );
        }
        if (branches.includes(branch)) {
          throw new ConflictError(
            `The repository ${ctx.input.repoName} already has a branch ${branch}; merge or delete it first`,
          );
        }
        ctx.output('remoteUrl', remoteUrl);
        ctx.output('repoContentsUrl', remoteUrl);
        ctx.output('entityRef', entityRef);
        ctx.output('branch', branch);
        if (ctx.isDryRun) {
          ctx.logger.info(
            `Dry run: would commit the workspace to a new branch ${branch} of ${remoteUrl}`,
          );
          ctx.output('commitHash', '0'.repeat(40));
          return;
        }
        const commitHash = await commitToNewBranch({
          dir: repoDir,
          baseBranch: defaultBranch,
          branch,
          sourceDir,
          message:
            ctx.input.gitCommitMessage ??
            config.getOptionalString('scaffolder.defaultCommitMessage') ??
            'Update from the template',
          author,
        });
        ctx.output('commitHash', commitHash);
        ctx.logger.info(
          `Committed ${commitHash} to branch ${branch} of ${remoteUrl}; review it with git diff ${defaultBranch}...${branch} and merge it to take the update`,
        );
        return;
      }

      if (await exists(repoDir)) {
        throw new ConflictError(
          `A repository named ${ctx.input.repoName} already exists under ${LOCAL_REPOSITORIES_KEY}; choose another name`,
        );
      }
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('repoContentsUrl', remoteUrl);
      ctx.output('catalogInfoUrl', catalogInfoUrl);
      ctx.output('entityRef', entityRef);

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would commit the workspace to ${remoteUrl} and ${
            register ? `register ${entityRef}` : 'not register it'
          }`,
        );
        ctx.output('commitHash', '0'.repeat(40));
        return;
      }

      await fs.mkdir(root, { recursive: true });
      await fs.cp(sourceDir, repoDir, {
        recursive: true,
        errorOnExist: true,
        filter: src => path.basename(src) !== '.git',
      });
      const commitHash = await commitAll({
        dir: repoDir,
        defaultBranch,
        message:
          ctx.input.gitCommitMessage ??
          config.getOptionalString('scaffolder.defaultCommitMessage') ??
          'Initial commit',
        author,
      });
      ctx.output('commitHash', commitHash);
      ctx.logger.info(`Committed ${commitHash} to ${remoteUrl}`);

      if (register) {
        // Registering a location is for administrators in Pilothouse's
        // policy; the scaffolder registers this one itself, since the action
        // only registers the file it just wrote, of the kinds above.
        await catalog.addLocation(
          { type: 'file', target: targetFile },
          { credentials: await auth.getOwnServiceCredentials() },
        );
        ctx.logger.info(`Registered ${entityRef} from ${catalogInfoUrl}`);
      }
    },
  });
}

async function exists(p: string): Promise<boolean> {
  return fs
    .access(p)
    .then(() => true)
    .catch(() => false);
}

async function readRegistrableEntities(
  file: string,
  shown: string,
): Promise<Entity[]> {
  const content = await fs.readFile(file, 'utf8').catch(() => {
    throw new InputError(
      `${shown} does not exist in the workspace; the template must write it`,
    );
  });
  const entities = parseAllDocuments(content).flatMap(doc => {
    if (doc.errors.length > 0) {
      throw new InputError(
        `${shown} is not valid YAML: ${doc.errors[0].message}`,
      );
    }
    const value = doc.toJS();
    return value ? [value as Entity] : [];
  });
  if (entities.length === 0) {
    throw new InputError(`${shown} holds no entity`);
  }
  for (const entity of entities) {
    if (!REGISTRABLE_KINDS.includes(entity?.kind) || !entity.metadata?.name) {
      throw new InputError(
        `${shown}: only ${REGISTRABLE_KINDS.join(
          ', ',
        )} entities with a name can be registered by ${PUBLISH_LOCAL_ID}, found ${String(
          entity?.kind,
        )}`,
      );
    }
  }
  return entities;
}
