import { screen, within } from '@testing-library/react';
import {
  fakeAgentsApi,
  incidentTriage,
  releaseAgent,
} from '../../__fixtures__/entities';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { AgentToolsContent } from './AgentToolsContent';

function toolRow(table: HTMLElement, name: string) {
  return within(table).getByText(name).closest('tr')! as HTMLElement;
}

describe('an agent’s Tools tab', () => {
  it('shows the tools it uses on each MCP server, with hints, permissions and whether it may call them', async () => {
    renderWithApis(<AgentToolsContent />, {
      agentsApi: fakeAgentsApi(),
      entity: incidentTriage,
    });

    expect(
      await screen.findByText(
        /Incident triage agent may call 3 tools on 2 MCP servers; destructive tools: not allowed/,
      ),
    ).toBeInTheDocument();

    const kubernetes = screen.getByRole('table', {
      name: 'Tools of mcpserver:default/kubernetes',
    });
    const logs = toolRow(kubernetes, 'pod_logs');
    expect(within(logs).getByText('read-only')).toBeInTheDocument();
    expect(
      within(logs).getByText('get pods, pods/log (core)'),
    ).toBeInTheDocument();
    expect(within(logs).getByText('may call')).toBeInTheDocument();

    const scale = toolRow(kubernetes, 'scale_deployment');
    expect(within(scale).getByText('destructive')).toBeInTheDocument();
    expect(
      within(scale).getByText('get, patch deployments/scale (apps)'),
    ).toBeInTheDocument();
    expect(
      within(scale).getByText(
        'not callable: destructive tools are not allowed',
      ),
    ).toBeInTheDocument();

    const aws = screen.getByRole('table', {
      name: 'Tools of mcpserver:default/aws',
    });
    expect(
      within(toolRow(aws, 'list_alarms')).getByText(
        'cloudwatch:DescribeAlarms',
      ),
    ).toBeInTheDocument();
  });

  it('gives an agent that lists no tools all the server’s tools, destructive ones too when it may call them', async () => {
    renderWithApis(<AgentToolsContent />, {
      agentsApi: fakeAgentsApi(),
      entity: releaseAgent,
    });

    expect(
      await screen.findByText('All 2 tools of the server'),
    ).toBeInTheDocument();
    const cicd = screen.getByRole('table', {
      name: 'Tools of mcpserver:default/cicd',
    });
    const sync = toolRow(cicd, 'sync_application');
    expect(within(sync).getByText('destructive')).toBeInTheDocument();
    expect(
      within(sync).getByText('sync applications <project>/<app>'),
    ).toBeInTheDocument();
    expect(within(sync).getByText('may call')).toBeInTheDocument();
    // Written as a bare name, the server is looked up as an MCPServer.
    expect(
      screen.getByRole('table', {
        name: 'Tools of mcpserver:default/kubernetes',
      }),
    ).toBeInTheDocument();
  });
});
