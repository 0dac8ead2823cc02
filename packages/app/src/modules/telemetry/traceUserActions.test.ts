import { newTraceparent, traceUserActions } from './traceUserActions';

const W3C_TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

function recordingFetch() {
  const seen: Array<{ url: string; headers: Headers }> = [];
  const next = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    seen.push({
      url,
      headers: new Headers(
        init?.headers ?? (input instanceof Request ? input.headers : undefined),
      ),
    });
    return new Response('{}');
  }) as typeof fetch;
  return { seen, next };
}

describe('traceUserActions', () => {
  const backendBaseUrl = 'http://localhost:7007';

  it('starts a new trace for each action sent to the backend', async () => {
    const { seen, next } = recordingFetch();
    const fetch = traceUserActions({ backendBaseUrl }).apply(next);
    const message = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer t',
      },
      body: JSON.stringify({ text: 'list the workloads in checkout' }),
    };
    await fetch(
      `${backendBaseUrl}/api/ai-assistant/v1/conversations/c1/messages`,
      message,
    );
    await fetch(
      `${backendBaseUrl}/api/ai-assistant/v1/conversations/c1/messages`,
      message,
    );

    const [first, second] = seen.map(s => s.headers.get('traceparent'));
    expect(first).toMatch(W3C_TRACEPARENT);
    expect(second).toMatch(W3C_TRACEPARENT);
    expect(first!.split('-')[1]).not.toBe(second!.split('-')[1]);
    // The other headers go on unchanged.
    expect(seen[0].headers.get('authorization')).toBe('Bearer t');
    expect(seen[0].headers.get('content-type')).toBe('application/json');
  });

  it('leaves reads, other hosts and an existing trace alone', async () => {
    const { seen, next } = recordingFetch();
    const fetch = traceUserActions({
      backendBaseUrl: `${backendBaseUrl}/`,
    }).apply(next);
    const existing = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

    await fetch(`${backendBaseUrl}/api/catalog/entities`);
    await fetch('https://grafana.example.com/api/ds', { method: 'POST' });
    await fetch(`${backendBaseUrl}/api/llm-gateway/v1/tools/call`, {
      method: 'POST',
      headers: { traceparent: existing },
    });
    await fetch(
      new Request(`${backendBaseUrl}/api/llm-gateway/v1/approvals/a1`, {
        method: 'POST',
      }),
    );

    expect(seen.map(s => s.headers.get('traceparent'))).toEqual([
      null,
      null,
      existing,
      expect.stringMatching(W3C_TRACEPARENT),
    ]);
  });

  it('never makes the all-zero ids the W3C spec forbids', () => {
    let calls = 0;
    // Zeros first, then ones: the zero ids are drawn again.
    const random = (bytes: Uint8Array) => bytes.fill(calls++ < 1 ? 0 : 1);
    expect(newTraceparent(random)).toBe(
      `00-${'01'.repeat(16)}-${'01'.repeat(8)}-01`,
    );
  });
});
