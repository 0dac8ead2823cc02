import { BlockList, isIP } from 'node:net';
import { Detection, Detector } from './types';

const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g;
const IPV6 =
  /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::?\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])/g;
const VERSION_BEFORE = /(?:\bversion|\bver|\brelease|\bbuild|\bv|@)\s*$/i;

// Addresses that name no person and no public host: private, loopback,
// link-local, carrier-grade NAT, documentation and unspecified ranges.
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['2001:db8::', 32],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** Whether an address is in a private, loopback or documentation range. */
export function isNonPublicIp(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * IPv4 and IPv6 addresses: cheap candidate patterns, then `net.isIP`.
 * Public addresses (which can identify a person's connection) get 0.9;
 * private, loopback and documentation ranges 0.6, since they name internal
 * hosts rather than people. A four-part "version 1.2.3.4" gets 0.3.
 */
export function createIpAddressDetector(): Detector {
  return {
    type: 'IP_ADDRESS',
    detect(text) {
      const found: Detection[] = [];
      const push = (start: number, value: string) => {
        if (isIP(value) === 0) return;
        let confidence = isNonPublicIp(value) ? 0.6 : 0.9;
        if (VERSION_BEFORE.test(text.slice(Math.max(0, start - 12), start))) {
          confidence = 0.3;
        }
        found.push({
          type: 'IP_ADDRESS',
          start,
          end: start + value.length,
          confidence,
          detector: 'ip-address',
        });
      };
      if (text.includes('.')) {
        for (const m of text.matchAll(IPV4)) push(m.index!, m[0]);
      }
      if (text.includes(':')) {
        for (const m of text.matchAll(IPV6)) {
          // At least two groups with digits: `a::b` in code is not an address.
          if (
            (m[0].match(/[0-9A-Fa-f]+/g) ?? []).length < 2 &&
            m[0] !== '::1'
          ) {
            continue;
          }
          push(m.index!, m[0]);
        }
      }
      return found;
    },
  };
}
