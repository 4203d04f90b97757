/**
 * Which endpoint URLs the app may POST to (SSRF guard). In production only `https` URLs to public
 * addresses are allowed; an allow-list (WEBHOOK_URL_ALLOWLIST) opens specific origins, e.g.
 * `http://127.0.0.1` for the local stack or an internal https host. URLs are checked when a
 * subscription is created (400 there, not at delivery; names are resolved then too) and again
 * before each attempt, where the sender connects to exactly the address that was checked.
 */
import { BlockList, isIP } from 'node:net'
import { lookup } from 'node:dns/promises'

/** One allow-list entry: scheme, host (optionally `*.suffix`), optional port and path prefix. */
export interface AllowEntry {
  protocol: 'http:' | 'https:'
  host: string
  /** undefined = any port. */
  port?: string
  pathPrefix: string
}

/** The policy in force. */
export interface UrlPolicy {
  allowlist: readonly AllowEntry[]
  /** Resolves a host name to addresses (injected in tests); default: the OS resolver. */
  resolve?: (host: string) => Promise<string[]>
}

/** Result of a check: the parsed URL, or a reason safe to show to the caller. */
export type UrlCheck = { ok: true; url: URL; allowlisted: boolean } | { ok: false; reason: string }

/** Longest URL accepted. */
const MAX_URL_LENGTH = 2048

const blocked = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['100::', 64],
  ['fec0::', 10],
  ['64:ff9b:1::', 48],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6')

/** IPv4 in any inet_aton form (`127.1`, `0x7f000001`, `2130706433`, `0177.0.0.1`) → dotted quad. */
export function canonicalIPv4(text: string): string | undefined {
  const parts = text.split('.')
  if (parts.length > 4 || parts.some((p) => p === '')) return undefined
  const nums: number[] = []
  for (const p of parts) {
    const m = /^(0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$/i.exec(p)
    if (!m) return undefined
    const n = /^0x/i.test(p)
      ? parseInt(p.slice(2) || '0', 16)
      : p.length > 1 && p[0] === '0'
        ? parseInt(p, 8)
        : Number(p)
    if (!Number.isFinite(n)) return undefined
    nums.push(n)
  }
  // The last part fills the remaining bytes (a.b.c.d, a.b.cd, a.bcd, abcd).
  const last = nums.pop()!
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return undefined
  const value = nums.reduce((acc, n, i) => acc + n * 256 ** (3 - i), 0) + last
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
}

/** The eight 16-bit groups of an IPv6 address (embedded dotted quad allowed), or undefined. */
function ipv6Groups(ip: string): number[] | undefined {
  if (isIP(ip) !== 6) return undefined
  let text = ip.replace(/%.*$/, '')
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (quad) {
    const b = quad[1].split('.').map(Number)
    text = `${text.slice(0, -quad[1].length)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined]
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
  return groups.length === 8 ? groups.map((g) => parseInt(g, 16)) : undefined
}

const quadOf = (hi: number, lo: number) => [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
const zero = (gs: number[]) => gs.every((g) => g === 0)

/**
 * The IPv4 addresses an IPv6 address carries to the IPv4 network, which is what a connection
 * to it can reach: IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, IPv4-translated
 * `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002:AABB:CCDD::/16` and Teredo
 * `2001:0::/32` (server, and the client address stored inverted).
 */
export function embeddedIPv4(ip: string): string[] {
  const g = ipv6Groups(ip)
  if (!g) return []
  if (zero(g.slice(0, 5)) && g[5] === 0xffff) return [quadOf(g[6], g[7])]
  if (zero(g.slice(0, 4)) && g[4] === 0xffff && g[5] === 0) return [quadOf(g[6], g[7])]
  if (zero(g.slice(0, 6)) && !(g[6] === 0 && g[7] <= 1)) return [quadOf(g[6], g[7])]
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(g.slice(2, 6))) return [quadOf(g[6], g[7])]
  if (g[0] === 0x2002) return [quadOf(g[1], g[2])]
  if (g[0] === 0x2001 && g[1] === 0) return [quadOf(g[2], g[3]), quadOf(g[6] ^ 0xffff, g[7] ^ 0xffff)]
  return []
}

/**
 * True for loopback, private, link-local, CGNAT, multicast, documentation and reserved addresses,
 * in every textual form: IPv4 shorthand/hex/octal/decimal, and IPv6 forms that embed an IPv4
 * address (judged by that address). Not an IP address → false (names are resolved elsewhere).
 */
export function isNonPublicAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '')
  const v4 = canonicalIPv4(ip)
  if (v4) return blocked.check(v4, 'ipv4')
  if (isIP(ip) !== 6) return false
  const embedded = embeddedIPv4(ip)
  if (embedded.some((a) => blocked.check(a, 'ipv4'))) return true
  return blocked.check(ip.replace(/%.*$/, ''), 'ipv6')
}

/**
 * Parses WEBHOOK_URL_ALLOWLIST: comma-separated `scheme://host[:port|:*][/path]` entries. A bare
 * host means `https://host` (lets an https endpoint on a private address through).
 * @throws Error naming the bad entry's position.
 */
export function parseAllowlist(raw: unknown): AllowEntry[] {
  const parts = (Array.isArray(raw) ? raw.map(String) : (typeof raw === 'string' ? raw : '').split(','))
    .map((s) => s.trim())
    .filter(Boolean)
  return parts.map((part, i) => {
    const withScheme = /^[a-z]+:\/\//i.test(part) ? part : `https://${part}`
    const wildPort = /:\*(\/|$)/.test(withScheme)
    let u: URL
    try {
      u = new URL(withScheme.replace(/:\*(\/|$)/, '$1').replace('://*.', '://wildcard--.'))
    } catch {
      throw new Error(`entry ${i + 1} is not a URL or host`)
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new Error(`entry ${i + 1} must be http or https`)
    const explicitPort = /^[a-z]+:\/\/[^/]*:(\d+)/i.test(withScheme)
    return {
      protocol: u.protocol,
      host: u.hostname.replace(/^wildcard--\./, '*.'),
      port: wildPort || !explicitPort ? undefined : u.port || (u.protocol === 'https:' ? '443' : '80'),
      pathPrefix: u.pathname === '/' ? '' : u.pathname,
    }
  })
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
  return pattern === host
}

function allowlisted(url: URL, allowlist: readonly AllowEntry[]): boolean {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  return allowlist.some(
    (e) =>
      e.protocol === url.protocol &&
      hostMatches(e.host, url.hostname) &&
      (e.port === undefined || e.port === port) &&
      url.pathname.startsWith(e.pathPrefix),
  )
}

/**
 * Checks a URL against the policy without network access (subscription create/update and the
 * default subscription's input). Reasons never echo the URL (it may carry a token).
 */
export function checkUrl(raw: string, policy: UrlPolicy): UrlCheck {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, reason: 'url is required' }
  if (raw.length > MAX_URL_LENGTH)
    return { ok: false, reason: `url is longer than ${MAX_URL_LENGTH} characters` }
  // WHATWG parsing silently drops tabs and line breaks: refuse them (and every other control
  // character or space) before parsing, so what is stored is exactly what is requested.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\x00-\x20\x7f]/.test(raw))
    return { ok: false, reason: 'url must not contain spaces or control characters (CR, LF, tab, …)' }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, reason: 'url is not a valid absolute URL' }
  }
  if (url.username || url.password)
    return { ok: false, reason: 'url must not contain credentials: use the auth header setting' }
  if (url.hash) return { ok: false, reason: 'url must not contain a #fragment' }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, reason: 'url must use https' }
  if (allowlisted(url, policy.allowlist)) return { ok: true, url, allowlisted: true }
  if (url.protocol !== 'https:')
    return { ok: false, reason: 'url must use https (or be listed in WEBHOOK_URL_ALLOWLIST)' }
  const host = url.hostname.toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost') || isNonPublicAddress(host)) {
    return {
      ok: false,
      reason:
        'url points to a private, loopback or link-local address (allow-list it in WEBHOOK_URL_ALLOWLIST if intended)',
    }
  }
  return { ok: true, url, allowlisted: false }
}

async function osResolve(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address)
}

const RESOLVES_PRIVATE = 'url resolves to a private, loopback or link-local address'

/**
 * The address to connect to for `url`, checked: an IP literal is judged as written (all forms
 * normalized), a name is resolved and refused when ANY address is non-public (a rebinding name
 * may alternate). Allow-listed URLs are not judged. The sender connects to exactly the address
 * returned (a pinned lookup), so nothing can switch addresses between this check and the connect.
 * @returns `{address}` (undefined = let the OS resolve: allow-listed), or `{reason}` to refuse;
 *   a DNS failure rejects (the attempt fails as a network error and is retried).
 */
export async function resolveForSend(
  raw: string,
  policy: UrlPolicy,
): Promise<{ address?: string; family?: 4 | 6; reason?: string }> {
  const check = checkUrl(raw, policy)
  if (!check.ok) return { reason: check.reason }
  if (check.allowlisted) return {}
  const host = check.url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host)) return { address: host, family: isIP(host) as 4 | 6 }
  const addresses = await (policy.resolve ?? osResolve)(host)
  if (!addresses.length) throw Object.assign(new Error('no address'), { code: 'ENOTFOUND' })
  if (addresses.some(isNonPublicAddress)) return { reason: RESOLVES_PRIVATE }
  return { address: addresses[0], family: isIP(addresses[0]) as 4 | 6 }
}

/**
 * Checks a URL right before an attempt: the static rules, then (for names not allow-listed) that
 * every resolved address is public. Returns a reason when the attempt must not be made; a DNS
 * failure is left to the attempt (it fails as a network error and is retried). The sender repeats
 * this at connect time with the address pinned (see `resolveForSend`).
 */
export async function checkUrlBeforeSend(raw: string, policy: UrlPolicy): Promise<string | undefined> {
  try {
    return (await resolveForSend(raw, policy)).reason
  } catch {
    return undefined
  }
}

/**
 * The check at subscription creation/update: the static rules, then a host name that resolves
 * to a non-public address is refused (a name resolving only to private addresses can never be
 * delivered to; one mixing both would be refused at each attempt). A name that does not resolve
 * (yet) is accepted: deliveries fail as DNS errors until it does.
 */
export async function checkUrlAtCreation(raw: string, policy: UrlPolicy): Promise<UrlCheck> {
  const check = checkUrl(raw, policy)
  if (!check.ok || check.allowlisted) return check
  try {
    const { reason } = await resolveForSend(raw, policy)
    if (reason) return { ok: false, reason: `${reason} (allow-list it in WEBHOOK_URL_ALLOWLIST if intended)` }
  } catch {
    // not resolvable now: accepted (see above)
  }
  return check
}
