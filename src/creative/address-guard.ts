/**
 * SSRF policy for untrusted photo URLs: which URLs may be fetched at all, and which IP addresses
 * a fetch may connect to. Pure code (no Node built-ins, no Buffer): the Node fetcher
 * (src/runtime/node-photo-fetcher.ts) uses it and a Workers fetcher can too.
 *
 * The rule is "public unicast only": loopback, private, link-local, cloud metadata, CGNAT,
 * multicast, documentation and reserved ranges are refused, and so are IPv6 forms that embed one
 * of those IPv4 addresses (IPv4-mapped, NAT64, 6to4). IPv6 outside global unicast 2000::/3 is
 * refused as a whole. Operators can open specific ranges (an internal CDN) with an allow-list.
 *
 * Address text is expected in canonical form — what the WHATWG URL parser leaves in a hostname
 * (it already turns `2130706433`, `0x7f.1`, `0177.0.0.1` and `127.1` into `127.0.0.1`) or what
 * DNS returns. Anything else (`010.0.0.1`, garbage) does not parse and is refused as 'invalid'.
 */
import { PhotoError } from './ports';

export type AddressRefusal =
  | 'invalid'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link-local'
  | 'metadata'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'reserved';

/** An IP address as its bytes: 4 for IPv4, 16 for IPv6. */
export interface Ip {
  v: 4 | 6;
  bytes: number[];
}

interface Cidr extends Ip {
  bits: number;
}

/** Strict dotted-decimal IPv4 (no leading zeros: `010` would be octal to some parsers). */
export function parseIPv4(text: string): Ip | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    bytes.push(n);
  }
  return { v: 4, bytes };
}

/** IPv6 text (`::` shorthand, a trailing dotted IPv4, optional brackets and %zone). */
export function parseIPv6(text: string): Ip | null {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone); // fe80::1%eth0 from DNS: the zone does not change the range
  if (!s.includes(':')) return null;

  // A trailing IPv4 (::ffff:127.0.0.1) becomes the last two 16-bit groups.
  let tail4: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return null;
    tail4 = v4.bytes;
    s = s.slice(0, lastColon + 1) + '0:0'; // placeholder groups, overwritten below
  }

  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string | undefined) => (h ? h.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (![...head, ...tail].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const words = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].map((g) => parseInt(g, 16));

  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail4.length) bytes.splice(12, 4, ...tail4);
  return { v: 6, bytes };
}

export function parseIp(text: string): Ip | null {
  return parseIPv4(text) ?? parseIPv6(text);
}

function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!ip) return null;
  const max = ip.v === 4 ? 32 : 128;
  const bitsText = slash === -1 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return null;
  const bits = Number(bitsText);
  return bits <= max ? { ...ip, bits } : null;
}

/** Does `ip` fall inside `net` (same family, first `net.bits` bits equal)? */
function inCidr(ip: Ip, net: Cidr): boolean {
  if (ip.v !== net.v) return false;
  for (let bit = 0; bit < net.bits; bit += 8) {
    const take = Math.min(8, net.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((ip.bytes[bit / 8] ?? 0) & mask) !== ((net.bytes[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

const table = (rows: Array<[string, AddressRefusal]>) =>
  rows.map(([text, reason]) => {
    const net = parseCidr(text);
    if (!net) throw new Error(`bad range ${text}`);
    return { net, reason };
  });

// First match wins: the specific entries (metadata, broadcast) sit before the ranges holding them.
const V4 = table([
  // Cloud instance metadata (credentials!): AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle …
  ['169.254.169.254/32', 'metadata'],
  ['169.254.170.2/32', 'metadata'], // AWS ECS task metadata and credentials
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud (inside CGNAT; named for a clearer reason)
  ['192.0.0.192/32', 'metadata'], // Oracle Cloud (legacy)
  ['0.0.0.0/8', 'unspecified'], // "this network": Linux connects 0.0.0.0 to the local host
  ['10.0.0.0/8', 'private'], // RFC 1918
  ['100.64.0.0/10', 'cgnat'], // shared address space: carrier NAT, cloud-internal services, Tailscale
  ['127.0.0.0/8', 'loopback'], // the whole /8 is loopback on Linux
  ['169.254.0.0/16', 'link-local'], // RFC 3927; cloud providers put internal services here
  ['172.16.0.0/12', 'private'], // RFC 1918
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments
  ['192.0.2.0/24', 'documentation'], // TEST-NET-1
  ['192.88.99.0/24', 'reserved'], // deprecated 6to4 relay anycast
  ['192.168.0.0/16', 'private'], // RFC 1918
  ['198.18.0.0/15', 'reserved'], // benchmarking (RFC 2544), sometimes used internally
  ['198.51.100.0/24', 'documentation'], // TEST-NET-2
  ['203.0.113.0/24', 'documentation'], // TEST-NET-3
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'], // class E, never routed
]);

const V6 = table([
  ['fd00:ec2::254/128', 'metadata'], // AWS instance metadata over IPv6 (inside fc00::/7)
  ['::/128', 'unspecified'], // like 0.0.0.0, reaches the local host
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'], // local-use NAT64 (RFC 8215): the embedding is site-defined
  ['100::/64', 'reserved'], // discard-only
  ['2001:db8::/32', 'documentation'],
  ['2001::/23', 'reserved'], // IETF protocol assignments, incl. Teredo 2001::/32 (tunnels to an IPv4)
  ['3fff::/20', 'documentation'], // RFC 9637
  ['fc00::/7', 'private'], // unique-local
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // deprecated site-local
  ['ff00::/8', 'multicast'],
]);

// IPv6 ranges that carry an IPv4 address a packet ends up at; the IPv4 address decides.
const EMBEDS_V4: Array<{ net: Cidr; at: number }> = [
  { net: parseCidr('::ffff:0:0/96')!, at: 12 }, // IPv4-mapped: the OS connects to the IPv4 address
  { net: parseCidr('64:ff9b::/96')!, at: 12 }, // well-known NAT64 prefix (RFC 6052)
  { net: parseCidr('2002::/16')!, at: 2 }, // 6to4: 2002:AABB:CCDD::/48 routes to AA.BB.CC.DD
];

const GLOBAL_UNICAST_V6 = parseCidr('2000::/3')!;

function refusalOf(ip: Ip): AddressRefusal | null {
  if (ip.v === 4) return V4.find((r) => inCidr(ip, r.net))?.reason ?? null;
  for (const { net, at } of EMBEDS_V4) {
    if (inCidr(ip, net)) return refusalOf({ v: 4, bytes: ip.bytes.slice(at, at + 4) });
  }
  const hit = V6.find((r) => inCidr(ip, r.net));
  if (hit) return hit.reason;
  // Everything else outside global unicast (IPv4-compatible ::a.b.c.d, unassigned space) is
  // not somewhere a public image host lives.
  return inCidr(ip, GLOBAL_UNICAST_V6) ? null : 'reserved';
}

/**
 * Why a fetch must not connect to this address ('loopback', 'private', 'metadata', …), or null
 * when it is public. Unparseable text is refused as 'invalid'.
 */
export function isForbiddenAddress(ip: string): AddressRefusal | null {
  const parsed = parseIp(ip);
  return parsed ? refusalOf(parsed) : 'invalid';
}

/**
 * The operator's allow-list (`['10.1.2.0/24', '127.0.0.2', 'fd12::/64']`): addresses in it may be
 * fetched although they are not public. An IPv4-mapped IPv6 address matches as its IPv4 address.
 * Throws on a malformed entry (a configuration error should not silently allow nothing/everything).
 */
export function parseAllowList(entries: readonly string[]): (ip: string) => boolean {
  const nets = entries.map((e) => {
    const net = parseCidr(e.trim());
    if (!net) throw new Error(`invalid address or CIDR in the photo allow-list: ${JSON.stringify(e)}`);
    return net;
  });
  const mapped = EMBEDS_V4[0]!.net;
  return (text) => {
    const ip = parseIp(text);
    if (!ip) return false;
    const asV4: Ip | null = inCidr(ip, mapped) ? { v: 4, bytes: ip.bytes.slice(12) } : null;
    return nets.some((n) => inCidr(ip, n) || (asV4 !== null && inCidr(asV4, n)));
  };
}

/** The IP address a URL hostname spells (brackets removed), or null when it is a name to resolve. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return parseIp(bare) ? bare : null;
}

/**
 * Is this URL one we may fetch at all? http(s) only (no file:, ftp:, data:, gopher: …), no
 * credentials (`user:pass@` would be sent to whoever answers), a host present. Any port is
 * allowed: the address check is what protects internal services. Policy refusals are
 * 'refused_address'; a string that is not a URL is 'fetch_failed'.
 */
export function checkUrl(url: string): URL | PhotoError {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return new PhotoError('fetch_failed', `not a valid URL: ${url.slice(0, 200)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return new PhotoError('refused_address', `only http and https photo URLs are fetched, not ${u.protocol}`);
  }
  if (u.username !== '' || u.password !== '') {
    return new PhotoError('refused_address', 'photo URLs with credentials (user:pass@) are refused');
  }
  if (u.hostname === '') return new PhotoError('fetch_failed', 'the photo URL has no host');
  return u;
}
