import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  DetectorSetting,
  DlpRule,
} from '@pilothouse/plugin-llm-gateway-common';
import { ResponseError } from '@backstage/errors';
import {
  fakeGatewayApi,
  renderGatewayTab,
} from '../../__testUtils__/renderGatewayTab';
import { DetectorsTab } from './DetectorsTab';

const email: DetectorSetting = {
  type: 'EMAIL',
  builtin: true,
  enabled: true,
  actions: { input: 'redact', output: 'allow' },
  minConfidence: 0.8,
  description: 'E-mail addresses',
};

const codename: DlpRule = {
  name: 'PROJECT_CODENAME',
  dictionary: ['bluefin'],
  dataClass: 'confidential',
  actions: { input: 'redact', output: 'redact' },
};

describe('DetectorsTab', () => {
  it('saves a changed action and a switched-off detector', async () => {
    const api = fakeGatewayApi({
      listDetectors: async () => [email],
      listRules: async () => [],
      updateDetector: async setting => setting,
    });
    renderGatewayTab(<DetectorsTab />, { api });

    const detectors = await screen.findByRole('table', { name: 'Detectors' });
    const row = within(detectors).getByRole('row', { name: /EMAIL/ });
    const [onInput] = within(row).getAllByRole('combobox');
    await userEvent.click(onInput);
    await userEvent.click(
      await screen.findByRole('option', { name: 'Block the request' }),
    );
    await waitFor(() =>
      expect(api.updateDetector).toHaveBeenCalledWith({
        ...email,
        actions: { input: 'block', output: 'allow' },
      }),
    );
    expect(within(row).getByText('Block the request')).toBeInTheDocument();

    await userEvent.click(
      within(row).getByRole('checkbox', { name: 'EMAIL enabled' }),
    );
    await waitFor(() =>
      expect(api.updateDetector).toHaveBeenLastCalledWith(
        expect.objectContaining({ type: 'EMAIL', enabled: false }),
      ),
    );
  });

  it('puts a detector back and says why when the gateway refuses the change', async () => {
    const api = fakeGatewayApi({
      listDetectors: async () => [email],
      listRules: async () => [],
      updateDetector: async () => {
        throw new Error('the gateway is read-only in this environment');
      },
    });
    renderGatewayTab(<DetectorsTab />, { api });

    const toggle = await screen.findByRole('checkbox', {
      name: 'EMAIL enabled',
    });
    await userEvent.click(toggle);
    expect(
      await screen.findByText(
        'Could not change EMAIL: the gateway is read-only in this environment',
      ),
    ).toBeInTheDocument();
    expect(toggle).toBeChecked();
  });

  it('checks a new rule before sending it and shows what the server objects to', async () => {
    const api = fakeGatewayApi({
      listDetectors: async () => [email],
      listRules: async () => [codename],
      replaceRules: async () => {
        // What the backend answers for a rule it refuses.
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: {
                name: 'InputError',
                message: 'DLP rule TICKET_ID: pattern matches the empty string',
              },
              request: { method: 'PUT', url: '/api/llm-gateway/v1/rules' },
              response: { statusCode: 400 },
            }),
            { status: 400, headers: { 'content-type': 'application/json' } },
          ),
        );
      },
    });
    renderGatewayTab(<DetectorsTab />, { api });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Add rule' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Add a DLP rule',
    });
    await userEvent.click(
      within(dialog).getByRole('textbox', { name: /Name/ }),
    );
    await userEvent.paste('project_codename');
    await userEvent.click(
      within(dialog).getByRole('textbox', { name: 'Pattern' }),
    );
    await userEvent.paste('(a+');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save rule' }),
    );

    // Mistakes the page can see are shown without asking the server.
    expect(
      within(dialog).getByText('PROJECT_CODENAME is already a finding type'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/^Not a valid regular expression/),
    ).toBeInTheDocument();
    expect(api.replaceRules).not.toHaveBeenCalled();

    const name = within(dialog).getByRole('textbox', { name: /Name/ });
    await userEvent.clear(name);
    await userEvent.click(name);
    await userEvent.paste('TICKET_ID');
    const pattern = within(dialog).getByRole('textbox', { name: 'Pattern' });
    await userEvent.clear(pattern);
    await userEvent.click(pattern);
    await userEvent.paste('(T+)+-[0-9]+');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save rule' }),
    );

    expect(
      await within(dialog).findByText(
        'DLP rule TICKET_ID: pattern matches the empty string (400)',
      ),
    ).toBeInTheDocument();
    expect(api.replaceRules).toHaveBeenCalledWith([
      codename,
      {
        name: 'TICKET_ID',
        pattern: '(T+)+-[0-9]+',
        caseInsensitive: false,
        dataClass: 'confidential',
        actions: { input: 'redact', output: 'redact' },
      },
    ]);
  });
});
