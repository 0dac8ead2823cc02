import { screen, within } from '@testing-library/react';
import {
  awsServer,
  cicdServer,
  fakeAgentsApi,
  kubernetesServer,
} from '../../__fixtures__/entities';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { McpServerToolsContent } from './McpServerToolsContent';

function toolRow(name: string) {
  const table = screen.getByRole('table', { name: 'Declared and live tools' });
  return within(table).getByText(name).closest('tr')! as HTMLElement;
}

describe('an MCP server’s Tools tab', () => {
  it('shows the live tools beside the declared ones, with the drift between them', async () => {
    renderWithApis(<McpServerToolsContent />, {
      agentsApi: fakeAgentsApi(),
      entity: kubernetesServer,
    });

    expect(await screen.findByText('Tool drift')).toBeInTheDocument();
    expect(
      screen.getByText(
        'The running server lists 4 tools; the entity declares 4.',
      ),
    ).toBeInTheDocument();
    for (const name of [
      'list_workloads',
      'pod_logs',
      'scale_deployment',
      'get_events',
    ]) {
      expect(screen.getByLabelText(`live tool ${name}`)).toBeInTheDocument();
    }

    expect(
      within(toolRow('list_workloads')).getByText('live'),
    ).toBeInTheDocument();
    expect(
      within(toolRow('restart_deployment')).getByText(
        'missing from the server',
      ),
    ).toBeInTheDocument();
    expect(
      within(toolRow('scale_deployment')).getByText(
        'live, differs: permissions',
      ),
    ).toBeInTheDocument();
    expect(
      within(toolRow('get_events')).getByText('undeclared'),
    ).toBeInTheDocument();
    expect(
      within(toolRow('restart_deployment')).getByText('destructive'),
    ).toBeInTheDocument();
  });

  it('says when the declared tools are what the server lists', async () => {
    renderWithApis(<McpServerToolsContent />, {
      agentsApi: fakeAgentsApi(),
      entity: cicdServer,
    });
    expect(await screen.findByText('Tools in sync')).toBeInTheDocument();
    expect(
      within(toolRow('sync_application')).getByText('live'),
    ).toBeInTheDocument();
  });

  it('says why the live tools are unknown when the server could not be reached', async () => {
    renderWithApis(<McpServerToolsContent />, {
      agentsApi: fakeAgentsApi(),
      entity: awsServer,
    });
    expect(await screen.findByText('Server unreachable')).toBeInTheDocument();
    expect(
      screen.getByText(
        "The portal could not list the server's tools: the server exited with code 1",
      ),
    ).toBeInTheDocument();
    expect(
      within(toolRow('list_alarms')).getByText('not checked'),
    ).toBeInTheDocument();
  });
});
