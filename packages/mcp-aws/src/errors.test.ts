import { BrokenCircuitError } from 'cockatiel';
import { awsException } from './__testUtils__/fixtures';
import { awsError, isTransient, redact, RefusedError } from './errors';

describe('AWS errors', () => {
  it('retries throttling, 5xx and network errors, and nothing the caller must fix', () => {
    expect(isTransient(awsException('ThrottlingException', 400))).toBe(true);
    expect(isTransient(awsException('RequestLimitExceeded', 503))).toBe(true);
    expect(isTransient(awsException('InternalFailure', 500))).toBe(true);
    expect(
      isTransient(Object.assign(new Error('reset'), { code: 'ECONNRESET' })),
    ).toBe(true);
    expect(isTransient(awsException('AccessDeniedException', 400))).toBe(false);
    expect(isTransient(awsException('ValidationException', 400))).toBe(false);
    expect(isTransient(new BrokenCircuitError())).toBe(false);
    expect(isTransient(new RefusedError('no', 'hint'))).toBe(false);
  });

  it('keeps access keys and secrets out of error text', () => {
    const res = awsError(
      awsException(
        'InvalidParameterValue',
        400,
        'bad key ASIAFAKEFAKEFAKEFAKE with secretAccessKey=abc123 given',
      ),
      'running list_ec2_instances',
      ['ec2:DescribeInstances'],
    );
    const text = (res.content[0] as { text: string }).text;
    expect(text).not.toContain('ASIAFAKEFAKEFAKEFAKE');
    expect(text).not.toContain('abc123');
    expect(text).toMatch(/— hint: fix the arguments/);
    expect(redact('AKIAFAKEFAKEFAKEFAKE')).toBe('[redacted]');
  });
});
