import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ToolSpec } from '@pilothouse/plugin-llm-gateway-common';
import { repoWholeCatalog } from '../../__fixtures__/repository';
import type { ProviderRequest } from '../types';
import {
  CatalogEntityDirectory,
  staticEntityDirectory,
} from './local/entityDirectory';
import { realCatalogActions, realMcpTools } from './local/__testUtils__/realTools';
import { DEFAULT_PROVIDERS } from './readProviderConfigs';
import { LocalProvider } from './LocalProvider';

const local = new LocalProvider(DEFAULT_PROVIDERS[0], {
  entityDirectory: staticEntityDirectory(repoWholeCatalog()),
});

let tools: ToolSpec[];
beforeAll(async () => {
  tools = [...(await realMcpTools()), ...(await realCatalogActions())];
}, 60_000);

const request = (
  messages: ProviderRequest['messages'],
  extra: Partial<ProviderRequest> = {},
): ProviderRequest => ({
  model: 'pilothouse-local',
  maxTokens: 400,
  tools,
  messages,
  ...extra,
});
const user = (text: string) => ({
  role: 'user' as const,
  content: [{ type: 'text' as const, text }],
});

describe('LocalProvider', () => {
  it('runs a tool-using turn: the call, then an answer from its result', async () => {
    const first = await local.complete(
      request([user('scale payments to 5 replicas')]),
    );
    expect(first.stopReason).toBe('tool_use');
    expect(first.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_local_/),
        name: 'kubernetes.scale_deployment',
        input: { namespace: 'payments', name: 'payments', replicas: 5 },
      },
    ]);
    const use = first.content[0] as { id: string };
    const second = await local.complete(
      request([
        user('scale payments to 5 replicas'),
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: use.id,
              content:
                'Scaled payments/payments from 3 to 5 replicas. Undo: scale_deployment replicas=3',
            },
          ],
        },
      ]),
    );
    expect(second.stopReason).toBe('end_turn');
    expect(second.content).toEqual([
      {
        type: 'text',
        text: 'Scale deployment: Scaled payments/payments from 3 to 5 replicas. Undo: scale_deployment replicas=3',
      },
    ]);
  });

  it('reads tool names written for hosted APIs (server__tool) and answers with them', async () => {
    const hosted = tools.map(t => ({ ...t, name: t.name.replace(/\./g, '__') }));
    const answer = await local.complete(
      request([user('bump payments up to five pods')], { tools: hosted }),
    );
    expect(answer.content).toEqual([
      expect.objectContaining({
        type: 'tool_use',
        name: 'kubernetes__scale_deployment',
        input: { namespace: 'payments', name: 'payments', replicas: 5 },
      }),
    ]);
    // A tool's full name typed out is read as its words.
    const named = await local.complete(
      request([user('kubernetes.list_workloads namespace=checkout')], {
        tools: hosted,
      }),
    );
    expect(named.content).toEqual([
      expect.objectContaining({
        name: 'kubernetes__list_workloads',
        input: { namespace: 'checkout' },
      }),
    ]);
  });

  it('answers "who owns" from the catalog action\'s JSON, owner first', async () => {
    const answer = await local.complete(
      request([
        user('who owns inventory?'),
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_use',
              id: 'toolu_1',
              name: 'backstage.catalog.get-catalog-entity',
              input: { name: 'inventory' },
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: JSON.stringify(
                repoWholeCatalog().find(e => e.metadata.name === 'inventory'),
              ),
            },
          ],
        },
      ]),
    );
    expect(answer.content[0]).toEqual({
      type: 'text',
      text: expect.stringMatching(
        /^Get catalog entity: inventory is owned by group:checkout-team\. It is part of system storefront/,
      ),
    });
  });

  it('says a failed tool failed', async () => {
    const answer = await local.complete(
      request([
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 't1', name: 'kubernetes.restart_deployment', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: 'deployments.apps "nope" not found',
              is_error: true,
            },
          ],
        },
      ]),
    );
    expect(answer.content).toEqual([
      {
        type: 'text',
        text: 'Restart deployment did not work: deployments.apps "nope" not found',
      },
    ]);
  });

  it('streams its answer as text deltas that add up to the answer', async () => {
    const events = [];
    for await (const event of local.stream(request([user('scale payments')]))) {
      events.push(event);
    }
    const deltas = events.filter(e => e.type === 'text_delta');
    expect(deltas.length).toBeGreaterThan(5);
    const done = events[events.length - 1];
    expect(done.type).toBe('done');
    const text = deltas.map(d => (d.type === 'text_delta' ? d.text : '')).join('');
    expect(done.type === 'done' && done.response.content).toEqual([
      { type: 'text', text },
    ]);
    expect(text).toMatch(/I need replicas/);
  });

  it('asks a clarifying question and acts on the answer to it', async () => {
    const asked = await local.complete(request([user('restart the deployment')]));
    expect(asked.stopReason).toBe('end_turn');
    const question = asked.content[0] as { type: 'text'; text: string };
    expect(question.text).toMatch(
      /I need namespace .* and name .*Which service — for example payments, checkout, orders or inventory\?$/,
    );
    const answered = await local.complete(
      request([
        user('restart the deployment'),
        { role: 'assistant', content: asked.content },
        user('checkout'),
      ]),
    );
    expect(answered.content).toEqual([
      expect.objectContaining({
        type: 'tool_use',
        name: 'kubernetes.restart_deployment',
        input: { namespace: 'checkout', name: 'checkout' },
      }),
    ]);
  });

  it('uses the page\'s entity from the "Context entity:" line of the system prompt', async () => {
    const answer = await local.complete(
      request([user('scale this to 5')], {
        system:
          'You are the Pilothouse assistant.\nContext entity: component:default/payments',
      }),
    );
    expect(answer.content[0]).toMatchObject({
      name: 'kubernetes.scale_deployment',
      input: { namespace: 'payments', name: 'payments', replicas: 5 },
    });
  });

  it('refuses what no tool does, naming what it can do', async () => {
    const answer = await local.complete(request([user('delete the payments database')]));
    expect(answer.content[0]).toEqual({
      type: 'text',
      text: expect.stringMatching(
        /^I can't delete things: no tool I have does that\. I can use these tools — kubernetes: list namespaces, .*; cicd: .*; aws: .*; backstage: /,
      ),
    });
  });

  it('keeps key=value and quoted arguments, and answers without tools in text', async () => {
    const echo: ToolSpec = {
      name: 'tools.echo',
      description: 'Echo a text back.',
      input_schema: { type: 'object', properties: { text: { type: 'string' } } },
    };
    const answer = await local.complete(
      request([user('please echo "hi there"')], { tools: [echo] }),
    );
    expect(answer.content[0]).toMatchObject({
      name: 'tools.echo',
      input: { text: 'hi there' },
    });
    const restart = await local.complete(
      request([user('restart deployment namespace=shop name: "cart"')]),
    );
    expect(restart.content[0]).toMatchObject({
      name: 'kubernetes.restart_deployment',
      input: { namespace: 'shop', name: 'cart' },
    });
    const plain = await local.complete(
      request([user('what is up?')], { tools: [] }),
    );
    expect(plain.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('You said: what is up?'),
    });
  });
});

describe('CatalogEntityDirectory', () => {
  it('reads the catalog with its own credentials, keeps the list, and keeps it when a refresh fails', async () => {
    const catalog = catalogServiceMock({ entities: repoWholeCatalog() });
    const directory = CatalogEntityDirectory.create({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      refreshMs: 0,
    });
    const first = await directory.list();
    expect(first.find(e => e.name === 'payments')).toEqual({
      ref: 'component:default/payments',
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
      title: 'Payments Service',
      owner: 'group:payments-team',
      kubernetesId: 'payments',
      kubernetesNamespace: 'payments',
      argocdApp: 'payments',
      githubRepo: 'pilothouse-demo/payments',
      awsResources: [
        'ecs:payments/payments-api',
        'rds:payments-db',
        'lambda:payments-webhooks',
      ],
      runbooks: ['Payments-RestartTasks', 'Payments-FailoverDb'],
    });
    jest
      .spyOn(catalog, 'getEntities')
      .mockRejectedValueOnce(new Error('catalog down'));
    expect(await directory.list()).toEqual(first);
  });
});
