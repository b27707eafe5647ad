/**
 * What a callback URL may point at (PROTOCOL §10): http: or https: (https: only in production), no
 * credentials in the URL, and no host that resolves to a loopback, private, link-local, unique-local,
 * multicast, unspecified or otherwise non-public address (ipaddr.js decides: only its `unicast` range
 * passes; loopback passes outside production, where tests and the sandbox wallet use 127.0.0.1).
 * Hosts named in CALLBACK_ALLOWED_HOSTS skip the address rule, never the others.
 *
 * Checked when the URL is set (every address the name resolves to) and again on every connection
 * (`guardedLookup`, `guardedConnector` in httpTransport.ts), so a DNS answer that changes after the
 * check (DNS rebinding) reaches nothing.
 */
import { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface CallbackUrlPolicy {
  readonly production: boolean;
  /** Lower-case host names exempt from the address rule. */
  readonly allowedHosts: readonly string[];
}

export type UrlRule = 'url' | 'scheme' | 'https-only' | 'credentials' | 'metadata-host' | 'private-address';

export type UrlVerdict =
  { readonly ok: true } | { readonly ok: false; readonly rule: UrlRule; readonly message: string };

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<string[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );

let resolver: Resolver = systemResolver;
let processPolicy: CallbackUrlPolicy = { production: false, allowedHosts: [] };

/** Start-up sets the process's policy from the configuration (CALLBACK_ALLOWED_HOSTS, NODE_ENV). */
export function useCallbackUrlPolicy(policy: CallbackUrlPolicy): void {
  processPolicy = policy;
}
export const callbackUrlPolicy = (): CallbackUrlPolicy => processPolicy;

/** A hosts-file for tests (DNS rebinding): answers the given names, the system resolver for the rest. */
export function useCallbackResolver(next: Resolver | null): void {
  resolver = next ?? systemResolver;
}

/** Cloud metadata services by name (their addresses are link-local and refused by the address rule). */
const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

const refusal = (rule: UrlRule, message: string): UrlVerdict => ({
  ok: false,
  rule,
  message: `${message} (rule: ${rule})`,
});
const bare = (hostname: string) =>
  hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

/**
 * The address rule alone: null when the address may be called, else why not (`169.254.169.254 is a linkLocal
 * address`).
 */
export function addressRefusal(address: string, policy: CallbackUrlPolicy): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an address`;
  const parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address is judged as the IPv4 one
  const range = parsed.range();
  if (range === 'unicast' || (range === 'loopback' && !policy.production)) return null;
  return `${parsed.toString()} is a ${range} address, not a public one`;
}

/** The rules that need no DNS: scheme, https in production, credentials, metadata names, literal addresses. */
export function judgeCallbackUrlSyntax(url: string, policy: CallbackUrlPolicy): UrlVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refusal('url', 'not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return refusal('scheme', `${parsed.protocol} is not http: or https:`);
  if (policy.production && parsed.protocol !== 'https:')
    return refusal('https-only', 'only https: callback URLs are accepted in production');
  if (parsed.username || parsed.password)
    return refusal('credentials', 'a callback URL must not carry a user name or password');
  const host = bare(parsed.hostname);
  if (METADATA_HOSTS.has(host)) return refusal('metadata-host', `${host} is a cloud metadata service`);
  if (policy.allowedHosts.includes(host)) return { ok: true };
  // The URL parser already turned 0x7f000001 and 2130706433 into 127.0.0.1, so literals are judged as they connect.
  const literal = isIP(host) ? addressRefusal(host, policy) : null;
  return literal ? refusal('private-address', literal) : { ok: true };
}

/**
 * Every rule, resolving the host (all its addresses) as a connection would. A name that does not
 * resolve (yet) is accepted: it reaches nothing now, and every connection is checked again.
 */
export async function judgeCallbackUrl(url: string, policy: CallbackUrlPolicy = processPolicy): Promise<UrlVerdict> {
  const syntax = judgeCallbackUrlSyntax(url, policy);
  if (!syntax.ok) return syntax;
  const host = bare(new URL(url).hostname);
  if (isIP(host) || policy.allowedHosts.includes(host)) return syntax;
  let addresses: string[];
  try {
    addresses = await resolver(host);
  } catch {
    return { ok: true };
  }
  for (const address of addresses) {
    const refused = addressRefusal(address, policy);
    if (refused) return refusal('private-address', `${host} resolves to ${refused}`);
  }
  return { ok: true };
}

export class CallbackAddressRefused extends Error {
  override readonly name = 'CallbackAddressRefused';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls.connect that resolves with the injectable resolver and refuses the connection
 * when any answer is not an address we may call, unless the host is exempt.
 */
export function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  const host = bare(hostname);
  const policy = processPolicy;
  resolver(host).then(
    (addresses) => {
      if (!policy.allowedHosts.includes(host)) {
        for (const address of addresses) {
          const refused = addressRefusal(address, policy);
          if (refused) {
            callback(
              new CallbackAddressRefused(
                `callback address refused: ${host} resolves to ${refused} (rule: private-address)`,
              ),
              '',
              4,
            );
            return;
          }
        }
      }
      const found = addresses.map((address) => ({ address, family: isIP(address) }));
      if (!found.length) callback(Object.assign(new Error(`${host} did not resolve`), { code: 'ENOTFOUND' }), '', 4);
      else if (options.all) callback(null, found);
      else callback(null, found[0]!.address, found[0]!.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, '', 4),
  );
}

/** The connect-time check of a literal address (connect() does not call lookup for those). */
export function literalHostRefusal(hostname: string): string | null {
  const host = bare(hostname);
  if (!isIP(host) || processPolicy.allowedHosts.includes(host)) return null;
  const refused = addressRefusal(host, processPolicy);
  return refused ? `callback address refused: ${refused} (rule: private-address)` : null;
}
