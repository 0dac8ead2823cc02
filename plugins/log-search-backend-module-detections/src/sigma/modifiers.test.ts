import type { JsonValue } from '@pilothouse/plugin-log-search-common';
import { logEvent } from '../__testUtils__/events';
import { EventFields } from './eventFields';
import {
  base64Offsets,
  InvalidRuleError,
  UnsupportedRuleError,
} from './modifiers';
import { compileDetection } from './rules';

const direct = (fields: EventFields, name: string) => fields.get(name);

function matches(
  detection: Record<string, unknown>,
  attributes: Record<string, JsonValue>,
  message = '',
) {
  const predicate = compileDetection(
    { condition: 'selection', ...detection },
    direct,
  );
  return predicate(new EventFields(logEvent(attributes, { message })));
}

const sel = (selection: unknown) => ({ selection });

describe('Sigma values and modifiers', () => {
  it('matches plain values case-insensitively, whole, with * and ? wildcards and escapes', () => {
    expect(matches(sel({ verb: 'LIST' }), { verb: 'list' })).toBe(true);
    expect(matches(sel({ verb: 'lis' }), { verb: 'list' })).toBe(false);
    expect(
      matches(sel({ path: '/api/*/secrets' }), { path: '/api/v1/secrets' }),
    ).toBe(true);
    expect(
      matches(sel({ path: '/api/v?/secrets' }), { path: '/api/v1/secrets' }),
    ).toBe(true);
    expect(
      matches(sel({ path: '/api/v?/secrets' }), { path: '/api/v12/secrets' }),
    ).toBe(false);
    expect(matches(sel({ name: 'a\\*b' }), { name: 'a*b' })).toBe(true);
    expect(matches(sel({ name: 'a\\*b' }), { name: 'axxb' })).toBe(false);
  });

  it('reads lists as OR, maps as AND, and numbers as their text', () => {
    expect(matches(sel({ code: [401, 403] }), { code: 403 })).toBe(true);
    expect(matches(sel({ code: [401, 403] }), { code: '401' })).toBe(true);
    expect(matches(sel({ code: [401, 403] }), { code: 500 })).toBe(false);
    expect(matches(sel({ a: 'x', b: 'y' }), { a: 'x', b: 'z' })).toBe(false);
    expect(matches(sel([{ a: 'x' }, { b: 'y' }]), { b: 'y' })).toBe(true);
  });

  it('contains, startswith, endswith, and all', () => {
    expect(
      matches(sel({ 'uri|contains': '%2fbin%2fbash' }), {
        uri: '/exec?command=%2Fbin%2Fbash',
      }),
    ).toBe(true);
    expect(
      matches(sel({ 'ua|startswith': 'aws-cli' }), { ua: 'aws-cli/2.0' }),
    ).toBe(true);
    expect(
      matches(sel({ 'ua|startswith': 'aws-cli' }), { ua: 'boto3 aws-cli' }),
    ).toBe(false);
    expect(
      matches(sel({ 'ua|endswith': '.exe' }), { ua: 'C:\\x\\PowerShell.EXE' }),
    ).toBe(true);
    expect(
      matches(sel({ 'cmd|contains|all': ['curl', 'secret'] }), {
        cmd: 'curl http://x/secret',
      }),
    ).toBe(true);
    expect(
      matches(sel({ 'cmd|contains|all': ['curl', 'secret'] }), {
        cmd: 'curl http://x/',
      }),
    ).toBe(false);
  });

  it('cased makes matching case-sensitive', () => {
    expect(matches(sel({ 'name|cased': 'Admin' }), { name: 'admin' })).toBe(
      false,
    );
    expect(matches(sel({ 'name|cased': 'Admin' }), { name: 'Admin' })).toBe(
      true,
    );
    expect(
      matches(sel({ 'name|contains|cased': 'dmi' }), { name: 'ADMIN' }),
    ).toBe(false);
  });

  it('re with its i, m and s flags, and a leading (?i)', () => {
    expect(
      matches(sel({ 'ua|re': '^python-requests/2\\.\\d+' }), {
        ua: 'python-requests/2.31',
      }),
    ).toBe(true);
    expect(
      matches(sel({ 'ua|re': '^PYTHON' }), { ua: 'python-requests' }),
    ).toBe(false);
    expect(
      matches(sel({ 'ua|re|i': '^PYTHON' }), { ua: 'python-requests' }),
    ).toBe(true);
    expect(
      matches(sel({ 'ua|re': '(?i)^PYTHON' }), { ua: 'python-requests' }),
    ).toBe(true);
    expect(
      matches(sel({ 'text|re|m': '^second$' }), { text: 'first\nsecond' }),
    ).toBe(true);
    expect(
      matches(sel({ 'text|re': '^second$' }), { text: 'first\nsecond' }),
    ).toBe(false);
    expect(
      matches(sel({ 'text|re|s': 'first.second' }), { text: 'first\nsecond' }),
    ).toBe(true);
  });

  it('cidr for IPv4 and IPv6', () => {
    expect(matches(sel({ 'ip|cidr': '10.0.0.0/8' }), { ip: '10.2.3.4' })).toBe(
      true,
    );
    expect(matches(sel({ 'ip|cidr': '10.0.0.0/8' }), { ip: '11.2.3.4' })).toBe(
      false,
    );
    expect(
      matches(sel({ 'ip|cidr': ['192.168.0.0/16', 'fd00::/8'] }), {
        ip: 'fd12::1',
      }),
    ).toBe(true);
    expect(matches(sel({ 'ip|cidr': '10.0.0.0/8' }), { ip: 'not-an-ip' })).toBe(
      false,
    );
    expect(() => matches(sel({ 'ip|cidr': '10.0.0.0' }), {})).toThrow(
      InvalidRuleError,
    );
  });

  it('base64 and base64offset (with contains) find encoded text at any offset', () => {
    const encoded = Buffer.from('xx curl http://evil yy').toString('base64');
    expect(
      matches(sel({ 'cmd|base64offset|contains': 'http://evil' }), {
        cmd: encoded,
      }),
    ).toBe(true);
    expect(
      matches(sel({ 'cmd|base64offset|contains': 'http://good' }), {
        cmd: encoded,
      }),
    ).toBe(false);
    expect(
      matches(sel({ 'cmd|base64': 'secret' }), {
        cmd: Buffer.from('secret').toString('base64'),
      }),
    ).toBe(true);
    // The three renderings pySigma documents for "/bin/bash".
    expect(base64Offsets(Buffer.from('/bin/bash'))).toEqual([
      'L2Jpbi9iYXNo',
      '9iaW4vYmFza',
      'vYmluL2Jhc2',
    ]);
    const wide = Buffer.from('ping', 'utf16le').toString('base64');
    expect(
      matches(sel({ 'cmd|wide|base64offset|contains': 'ping' }), { cmd: wide }),
    ).toBe(true);
  });

  it('windash matches -, / and the Unicode dashes', () => {
    const rule = sel({ 'cmd|windash|contains': ' -enc ' });
    expect(matches(rule, { cmd: 'powershell /enc abc' })).toBe(true);
    expect(matches(rule, { cmd: 'powershell \u2013enc abc' })).toBe(true);
    expect(matches(rule, { cmd: 'powershell +enc abc' })).toBe(false);
  });

  it('exists, null and empty values', () => {
    expect(
      matches(sel({ 'hostPath|exists': true }), { hostPath: { path: '/' } }),
    ).toBe(true);
    expect(matches(sel({ 'hostPath|exists': true }), {})).toBe(false);
    expect(matches(sel({ 'hostPath|exists': false }), {})).toBe(true);
    expect(matches(sel({ ip: null }), {})).toBe(true);
    expect(matches(sel({ ip: null }), { ip: null })).toBe(true);
    expect(matches(sel({ ip: null }), { ip: '1.2.3.4' })).toBe(false);
    expect(matches(sel({ note: '' }), { note: '' })).toBe(true);
    expect(matches(sel({ note: '' }), { note: 'x' })).toBe(false);
    // `*` needs the field, and takes an object value too.
    expect(
      matches(sel({ hostPath: '*' }), {
        'spec.volumes.0.hostPath.path': '/etc',
      }),
    ).toBe(false);
    expect(
      matches(sel({ 'spec.volumes.hostPath': '*' }), {
        'spec.volumes.0.hostPath.path': '/etc',
      }),
    ).toBe(true);
  });

  it('gt, gte, lt and lte compare numbers', () => {
    expect(matches(sel({ 'bytes|gt': 1000 }), { bytes: 1001 })).toBe(true);
    expect(matches(sel({ 'bytes|gt': 1000 }), { bytes: 1000 })).toBe(false);
    expect(matches(sel({ 'bytes|gte': 1000 }), { bytes: '1000' })).toBe(true);
    expect(matches(sel({ 'bytes|lt': 10 }), { bytes: 9 })).toBe(true);
    expect(matches(sel({ 'bytes|lte': 10 }), { bytes: 'ten' })).toBe(false);
  });

  it('fieldref compares two fields of the event', () => {
    const rule = sel({ 'src|fieldref': 'dst' });
    expect(matches(rule, { src: 'A', dst: 'a' })).toBe(true);
    expect(matches(rule, { src: 'a', dst: 'b' })).toBe(false);
    expect(matches(rule, { src: 'a' })).toBe(false);
    expect(
      matches(sel({ 'url|fieldref|startswith': 'host' }), {
        url: 'evil.example/x',
        host: 'evil',
      }),
    ).toBe(true);
  });

  it('keywords search the message and the string fields', () => {
    const rule = {
      keywords: ['trufflehog', 'azurehound'],
      condition: 'keywords',
    };
    const predicate = compileDetection(rule, direct);
    expect(
      predicate(
        new EventFields(logEvent({}, { message: 'TruffleHog v3 scan' })),
      ),
    ).toBe(true);
    expect(predicate(new EventFields(logEvent({ ua: 'AzureHound/2.0' })))).toBe(
      true,
    );
    expect(
      predicate(
        new EventFields(logEvent({ ua: 'kubectl' }, { message: 'get pods' })),
      ),
    ).toBe(false);
  });

  it('flattened and nested attributes read the same, arrays match any element', () => {
    const rule = sel({ 'objectRef.resource': 'secrets' });
    expect(matches(rule, { 'objectRef.resource': 'secrets' })).toBe(true);
    expect(matches(rule, { objectRef: { resource: 'secrets' } })).toBe(true);
    expect(
      matches(sel({ 'spec.containers.image|endswith': ':latest' }), {
        spec: { containers: [{ image: 'a:1' }, { image: 'b:latest' }] },
      }),
    ).toBe(true);
  });

  it('refuses what it does not run, naming it', () => {
    expect(() => matches(sel({ 'a|expand': '%x%' }), {})).toThrow(
      UnsupportedRuleError,
    );
    expect(() => matches(sel({ 'a|frobnicate': 'x' }), {})).toThrow(
      /modifier "frobnicate"/,
    );
    expect(() => matches(sel({ 'a|wide': 'x' }), {})).toThrow(
      UnsupportedRuleError,
    );
    expect(() => matches(sel({ 'a|re': '(' }), {})).toThrow(
      /regular expression/,
    );
    expect(() => matches(sel({ 'a|exists': 'yes' }), {})).toThrow(
      /true or false/,
    );
  });
});

describe('Sigma conditions', () => {
  const event = (attributes: Record<string, JsonValue>) =>
    new EventFields(logEvent(attributes));
  const detection = {
    selection_a: { a: 'x' },
    selection_b: { b: 'y' },
    filter_main: { user: 'system:*' },
    _hidden: { h: 1 },
  };
  const run = (
    condition: string | string[],
    attributes: Record<string, JsonValue>,
  ) => compileDetection({ ...detection, condition }, direct)(event(attributes));

  it('and, or, not and parentheses, with not binding tightest', () => {
    expect(
      run('selection_a and not filter_main', { a: 'x', user: 'alice' }),
    ).toBe(true);
    expect(
      run('selection_a and not filter_main', { a: 'x', user: 'system:kube' }),
    ).toBe(false);
    expect(run('selection_a or selection_b and filter_main', { a: 'x' })).toBe(
      true,
    );
    expect(
      run('(selection_a or selection_b) and filter_main', { a: 'x' }),
    ).toBe(false);
    expect(run('not (selection_a or selection_b)', { c: 1 })).toBe(true);
  });

  it('1 of, all of, N of, and them without underscore identifiers', () => {
    expect(run('1 of selection_*', { b: 'y' })).toBe(true);
    expect(run('all of selection_*', { b: 'y' })).toBe(false);
    expect(run('all of selection_*', { a: 'x', b: 'y' })).toBe(true);
    expect(run('2 of them', { a: 'x', h: 1 })).toBe(false);
    expect(run('all of them', { a: 'x', b: 'y', user: 'system:x' })).toBe(true);
    expect(run('any of selection*', { a: 'x' })).toBe(true);
  });

  it('a list of conditions means any of them', () => {
    expect(run(['selection_a', 'selection_b'], { b: 'y' })).toBe(true);
  });

  it('says where a condition is wrong', () => {
    expect(() => run('selection_a and', {})).toThrow(
      /expected an identifier at the end/,
    );
    expect(() => run('selection_a and selection_c', {})).toThrow(
      /unknown detection identifier "selection_c"/,
    );
    expect(() => run('(selection_a', {})).toThrow(/expected "\)"/);
    expect(() => run('1 of nothing_*', {})).toThrow(
      /no detection identifier matches "nothing_\*"/,
    );
    expect(() => run('selection_a | count() > 5', {})).toThrow(
      UnsupportedRuleError,
    );
  });
});
