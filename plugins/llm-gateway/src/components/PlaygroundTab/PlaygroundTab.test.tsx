import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { InspectResponse } from '@pilothouse/plugin-llm-gateway-common';
import {
  fakeGatewayApi,
  renderGatewayTab,
} from '../../__testUtils__/renderGatewayTab';
import { PlaygroundTab } from './PlaygroundTab';

const text = 'Mail alice@example.com the key AKIAIOSFODNN7EXAMPLE today';
const email = 'alice@example.com';
const awsKey = 'AKIAIOSFODNN7EXAMPLE';

const blocked: InspectResponse = {
  findings: [
    {
      type: 'EMAIL',
      start: text.indexOf(email),
      end: text.indexOf(email) + email.length,
      confidence: 0.99,
      action: 'redact',
      detector: 'email',
    },
    {
      type: 'SECRET',
      subtype: 'aws-access-key',
      start: text.indexOf(awsKey),
      end: text.indexOf(awsKey) + awsKey.length,
      confidence: 0.97,
      action: 'block',
      detector: 'secrets',
    },
  ],
  text,
  decision: 'deny',
  dataClass: 'restricted',
  reason: 'A secret (aws-access-key) may not be sent to a model.',
};

async function pasteInto(field: HTMLElement, value: string) {
  await userEvent.click(field);
  await userEvent.paste(value);
}

describe('PlaygroundTab', () => {
  it('highlights the findings in the pasted text and shows the decision', async () => {
    const api = fakeGatewayApi({ inspect: async () => blocked });
    renderGatewayTab(<PlaygroundTab />, { api });

    await pasteInto(
      await screen.findByRole('textbox', { name: 'Text to inspect' }),
      text,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Inspect' }));

    // The decision, with the gateway's reason.
    const decision = await screen.findByLabelText('Decision');
    expect(within(decision).getByText('Denied')).toBeInTheDocument();
    expect(
      within(decision).getByText(
        'A secret (aws-access-key) may not be sent to a model.',
      ),
    ).toBeInTheDocument();
    expect(within(decision).getByText('Data class: restricted')).toBeVisible();

    // Each finding is marked in the original text, coloured by its type.
    const emailMark = screen.getByText(email, { selector: 'mark' });
    const keyMark = screen.getByText(awsKey, { selector: 'mark' });
    expect(emailMark).toHaveAttribute('data-finding-type', 'EMAIL');
    expect(keyMark).toHaveAttribute('data-finding-type', 'SECRET');

    // Hovering a mark says what it is and what happens to it.
    await userEvent.hover(keyMark);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'SECRET (aws-access-key) · 97% confidence · action: block',
    );

    // The table lists both; a blocked request says the text would not be sent.
    const findings = screen.getByRole('table', { name: 'Findings' });
    expect(within(findings).getAllByRole('row')).toHaveLength(3);
    expect(within(findings).getByText(awsKey)).toBeInTheDocument();
    expect(
      screen.getByText(
        'The request would be refused; this text would not be sent.',
      ),
    ).toBeInTheDocument();

    expect(api.inspect).toHaveBeenCalledWith({
      text,
      direction: 'input',
      entityRef: undefined,
      asUser: 'user:default/carol',
    });
  });

  it('shows the transformed text when the gateway redacts and allows', async () => {
    const plain = 'Write to alice@example.com';
    const api = fakeGatewayApi({
      inspect: async () => ({
        findings: [
          {
            type: 'EMAIL',
            start: 9,
            end: plain.length,
            confidence: 0.99,
            action: 'redact',
            detector: 'email',
          },
        ],
        text: 'Write to [EMAIL_1]',
        decision: 'allow',
        dataClass: 'confidential',
      }),
    });
    renderGatewayTab(<PlaygroundTab />, { api });

    await pasteInto(
      await screen.findByRole('textbox', { name: 'Text to inspect' }),
      plain,
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'From the model' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Inspect' }));

    expect(await screen.findByLabelText('Transformed text')).toHaveTextContent(
      'Write to [EMAIL_1]',
    );
    expect(screen.getByText('Allowed')).toBeInTheDocument();
    expect(api.inspect).toHaveBeenCalledWith(
      expect.objectContaining({ direction: 'output' }),
    );
  });

  it('evaluates policy for the chosen user, entity and tool', async () => {
    const api = fakeGatewayApi({
      evaluatePolicy: async () => ({
        decision: {
          decision: 'ask',
          rule: 'prod-writes-need-approval',
          reason: 'Scaling a production deployment needs a second person.',
          approval: 'approval',
        },
        input: {
          principal: {
            ref: 'user:default/alice',
            type: 'user',
            groups: ['user:default/alice'],
          },
          request: {
            kind: 'tool',
            dataClass: 'internal',
            tool: {
              server: 'kubernetes',
              name: 'scale_deployment',
              readOnly: false,
              destructive: true,
              idempotent: false,
            },
            findings: [],
          },
        },
      }),
    });
    renderGatewayTab(<PlaygroundTab />, { api });

    const user = await screen.findByRole('combobox', { name: 'User' });
    await waitFor(() => expect(user).toHaveValue('user:default/carol'));
    await userEvent.clear(user);
    await pasteInto(user, 'user:default/alice');
    await pasteInto(
      screen.getByRole('combobox', { name: 'Entity' }),
      'component:default/payments',
    );
    await pasteInto(
      screen.getByRole('textbox', { name: 'Tool' }),
      'kubernetes.scale_deployment',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Evaluate policy' }),
    );

    const decision = await screen.findByLabelText('Policy decision');
    expect(within(decision).getByText('Needs approval')).toBeInTheDocument();
    expect(
      within(decision).getByText(
        'A second person with the approver role must approve.',
      ),
    ).toBeInTheDocument();
    expect(api.evaluatePolicy).toHaveBeenCalledWith({
      user: 'user:default/alice',
      request: {
        kind: 'tool',
        tool: {
          server: 'kubernetes',
          name: 'scale_deployment',
          readOnly: false,
        },
        entityRef: 'component:default/payments',
      },
    });
  });
});
