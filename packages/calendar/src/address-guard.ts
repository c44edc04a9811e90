import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { CalendarFeedError, CalendarProblem } from './errors.ts';

// Addresses a calendar is not read from unless the operator allows it: a calendar's address is
// typed in by a person, and the server reads it from inside the network it runs in — its
// loopback, its private networks, its cloud's metadata service.
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is loopback, private, link-local, shared, multicast or unspecified. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  return family === 4 ? PRIVATE.check(address, 'ipv4') : family === 6 ? PRIVATE.check(address, 'ipv6') : false;
}

/**
 * Refuses an address whose host is, or resolves to, a private or local address (unless
 * `allowPrivate`), naming the setting that allows it. Checked before every request, and on every
 * redirect, of a calendar read.
 */
export async function checkCalendarAddress(address: URL, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = address.hostname.replace(/^\[|\]$/g, '');
  let resolved: string[];
  try {
    resolved = isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((entry) => entry.address);
  } catch (error) {
    throw new CalendarFeedError(`could not find the calendar's host ${host}: check the address`, { problem: CalendarProblem.Unreachable, cause: error });
  }
  const inside = resolved.find(isPrivateAddress);
  if (inside !== undefined) {
    throw new CalendarFeedError(
      `the calendar's host ${host} is a private or local address (${inside}): calendars are read only from public addresses; ` +
        'an operator can allow addresses on this network with SWITCHBOARD_CALENDAR_PRIVATE_ADDRESSES=allow',
      { problem: CalendarProblem.BadAddress },
    );
  }
}
