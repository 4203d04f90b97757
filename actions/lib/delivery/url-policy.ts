/**
 * Which endpoint URLs the app may POST to (SSRF guard). In production only `https` URLs to public
 * addresses are allowed; an allow-list (WEBHOOK_URL_ALLOWLIST) opens specific origins, e.g.
 * `http://127.0.0.1` for the local stack or an internal https host. URLs are checked when a
 * subscription is created (400 there, not at delivery) and the resolved addresses are checked
 * again before each attempt, because a public name can resolve to a private address.
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
export const MAX_URL_LENGTH = 2048

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
] as const)
  blocked.addSubnet(net, prefix, 'ipv6')

/** True for loopback, private, link-local, CGNAT, multicast, documentation and reserved addresses. */
export function isNonPublicAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '')
  const family = isIP(ip)
  if (family === 4) return blocked.check(ip, 'ipv4')
  if (family === 6) {
    // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address to judge.
    const embedded = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
    if (embedded) return blocked.check(embedded[1], 'ipv4')
    const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip)
    if (mappedHex) {
      const n = (parseInt(mappedHex[1], 16) << 16) | parseInt(mappedHex[2], 16)
      return blocked.check([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), 'ipv4')
    }
    return blocked.check(ip, 'ipv6')
  }
  return false
}

/**
 * Parses WEBHOOK_URL_ALLOWLIST: comma-separated `scheme://host[:port|:*][/path]` entries. A bare
 * host means `https://host` (lets an https endpoint on a private address through).
 * @throws Error naming the bad entry's position.
 */
export function parseAllowlist(raw: unknown): AllowEntry[] {
  const parts = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(','))
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
  return (await lookup(host, { all: true })).map((a) => a.address)
}

/**
 * Checks a URL right before an attempt: the static rules, then (for names not allow-listed) that
 * every resolved address is public. Returns a reason when the attempt must not be made.
 * A DNS failure is not a policy violation: the attempt goes ahead and fails as a network error
 * (retried). There is a window between this lookup and the connection's own lookup (DNS rebinding);
 * the static check plus this one stop the common cases.
 */
export async function checkUrlBeforeSend(raw: string, policy: UrlPolicy): Promise<string | undefined> {
  const check = checkUrl(raw, policy)
  if (!check.ok) return check.reason
  if (check.allowlisted || isIP(check.url.hostname.replace(/^\[|\]$/g, ''))) return undefined
  let addresses: string[]
  try {
    addresses = await (policy.resolve ?? osResolve)(check.url.hostname)
  } catch {
    return undefined
  }
  return addresses.some(isNonPublicAddress)
    ? 'url resolves to a private, loopback or link-local address'
    : undefined
}
