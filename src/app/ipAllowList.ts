/**
 * IP allow-lists of operators and studios (PROTOCOL §10): IPv4 and IPv6 CIDRs (a bare address is its
 * own /32 or /128), parsed by ipaddr.js. Parsed once when the caller is loaded into the caller cache,
 * so the check on a request is a few comparisons and no query.
 */
import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface AllowList {
  /** Canonical CIDRs, as stored and shown. */
  readonly cidrs: readonly string[];
  readonly ranges: readonly Range[];
}

export const MAX_ALLOWED_IPS = 100;

/** One entry in canonical form (`10.0.0.0/8`, `2001:db8::/32`), or why it is not a CIDR. */
export function canonicalCidr(entry: string): { ok: true; cidr: string } | { ok: false; message: string } {
  const text = entry.trim();
  // Only the usual spellings: ipaddr.js would also read 1.2.3 or 0x0a.1 as IPv4 addresses.
  const addressPart = text.split('/')[0] ?? '';
  if (
    !ipaddr.IPv4.isValidFourPartDecimal(addressPart) &&
    !(addressPart.includes(':') && ipaddr.IPv6.isValid(addressPart))
  ) {
    return {
      ok: false,
      message: `"${entry.slice(0, 64)}" is not an IPv4 or IPv6 address or CIDR (such as 203.0.113.0/24 or 2001:db8::/32)`,
    };
  }
  try {
    const [address, bits] = text.includes('/')
      ? ipaddr.parseCIDR(text)
      : (() => {
          const parsed = ipaddr.parse(text);
          return [parsed, parsed.kind() === 'ipv4' ? 32 : 128] as Range;
        })();
    // The network address: 10.1.2.3/8 is written 10.0.0.0/8, so what is shown is what is matched.
    const network =
      address.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
        : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
    return { ok: true, cidr: `${network.toString()}/${bits}` };
  } catch {
    return {
      ok: false,
      message: `"${entry.slice(0, 64)}" is not an IPv4 or IPv6 address or CIDR (such as 203.0.113.0/24 or 2001:db8::/32)`,
    };
  }
}

/** Validated canonical CIDRs for storing, or the first problem (code 2). */
export function parseAllowedIps(
  entries: readonly string[],
): { ok: true; cidrs: string[] } | { ok: false; message: string } {
  if (entries.length > MAX_ALLOWED_IPS) return { ok: false, message: `allowedIps: at most ${MAX_ALLOWED_IPS} entries` };
  const cidrs: string[] = [];
  for (const entry of entries) {
    const parsed = canonicalCidr(entry);
    if (!parsed.ok) return { ok: false, message: `allowedIps: ${parsed.message}` };
    if (!cidrs.includes(parsed.cidr)) cidrs.push(parsed.cidr);
  }
  return { ok: true, cidrs };
}

/** The stored column (comma-separated canonical CIDRs) as a list; null when every address is admitted. */
export function allowListOf(stored: string | null | undefined): AllowList | null {
  const cidrs = (stored ?? '').split(',').filter(Boolean);
  if (!cidrs.length) return null;
  return { cidrs, ranges: cidrs.map((cidr) => ipaddr.parseCIDR(cidr) as Range) };
}

export const storedAllowedIps = (cidrs: readonly string[]): string | null => (cidrs.length ? cidrs.join(',') : null);
export const allowedIpsView = (stored: string | null | undefined): string[] =>
  (stored ?? '').split(',').filter(Boolean);

/** A client address as people write it (`::ffff:127.0.0.1` is 127.0.0.1). */
export function displayAddress(clientAddress: string | undefined): string {
  return clientAddress && ipaddr.isValid(clientAddress)
    ? ipaddr.process(clientAddress).toString()
    : 'an unknown address';
}

/** Whether a client address (as Express gives it: `::ffff:127.0.0.1` is 127.0.0.1) is in the list. */
export function isAllowedAddress(list: AllowList, clientAddress: string | undefined): boolean {
  if (!clientAddress || !ipaddr.isValid(clientAddress)) return false;
  const address = ipaddr.process(clientAddress);
  return list.ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}
