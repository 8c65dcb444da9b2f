import { BlockList, isIP } from 'node:net';

/**
 * Which network addresses Tracelane's outbound requests (webhooks, and any later notification channel) may reach.
 * By default none of these: cloud metadata services, loopback, private and shared networks, link-local,
 * unspecified, multicast and reserved ranges, in IPv4 and IPv6 — and IPv6 forms that embed an IPv4 address
 * (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`) are judged by that IPv4 address. An explicit allow-list
 * (OUTBOUND_ALLOWED_NETWORKS) opens addresses or CIDR ranges for internal receivers.
 *
 * Addresses only: URL spellings (decimal, hex or octal IPv4, short forms) are normalised by the WHATWG URL parser
 * before they get here, and host names are judged by every address they resolve to (outbound-target.ts).
 */
export const FORBIDDEN_CLASSES = [
  'metadata',
  'loopback',
  'link-local',
  'private',
  'unspecified',
  'multicast',
  'reserved',
] as const;
export type ForbiddenClass = (typeof FORBIDDEN_CLASSES)[number];

/** Checked in this order, so a metadata address is named as such rather than as link-local or private. */
const RANGES: Record<ForbiddenClass, readonly string[]> = {
  metadata: [
    '169.254.169.254/32', // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
    '169.254.170.2/32', // AWS ECS task metadata
    '100.100.100.200/32', // Alibaba Cloud
    '168.63.129.16/32', // Azure wire server
    'fd00:ec2::254/128', // AWS over IPv6
  ],
  loopback: ['127.0.0.0/8', '::1/128'],
  'link-local': ['169.254.0.0/16', 'fe80::/10'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7', '64:ff9b:1::/48'],
  unspecified: ['0.0.0.0/8', '::/128'],
  multicast: ['224.0.0.0/4', 'ff00::/8'],
  reserved: [
    '192.0.0.0/24',
    '192.0.2.0/24',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '240.0.0.0/4',
    '::/96', // IPv4-compatible (deprecated)
    '100::/64', // discard-only
    '2001::/32', // Teredo
    '2001:db8::/32', // documentation
    '2002::/16', // 6to4
  ],
};

const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');

export class AddressPolicy {
  private readonly classes: [ForbiddenClass, BlockList][];
  private readonly allowed = new BlockList();

  /** `allowed`: addresses or CIDR ranges that may be reached although they fall in a forbidden class. */
  constructor(readonly allowedNetworks: readonly string[] = []) {
    this.classes = FORBIDDEN_CLASSES.map((name) => [name, blockListOf(RANGES[name])]);
    for (const entry of allowedNetworks) addNetwork(this.allowed, entry);
  }

  /** The class that forbids `address` (an IP address), or null when it may be reached. */
  forbidden(address: string): ForbiddenClass | null {
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (this.allowed.check(address, type)) return null;
    const embedded = type === 'ipv6' && NAT64.check(address, 'ipv6') ? embeddedIpv4(address) : undefined;
    if (embedded !== undefined) return this.forbidden(embedded);
    return this.classes.find(([, list]) => list.check(address, type))?.[0] ?? null;
  }
}

/** Throws a readable error for a bad entry: configuration fails at start-up, not at the first delivery. */
function addNetwork(list: BlockList, entry: string): void {
  const [address = '', prefix] = entry.split('/');
  const version = isIP(address);
  const bits = prefix === undefined ? (version === 6 ? 128 : 32) : Number(prefix);
  if (version === 0 || !Number.isInteger(bits) || bits < 0 || bits > (version === 6 ? 128 : 32)) {
    throw new Error(`OUTBOUND_ALLOWED_NETWORKS: "${entry}" is not an IP address or CIDR range (e.g. 10.0.5.0/24)`);
  }
  list.addSubnet(address, bits, version === 6 ? 'ipv6' : 'ipv4');
}

function blockListOf(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) addNetwork(list, range);
  return list;
}

/** The IPv4 address in the last 32 bits of an IPv6 address (`64:ff9b::a9fe:a9fe` → `169.254.169.254`). */
function embeddedIpv4(address: string): string | undefined {
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (dotted) return dotted;
  const groups = address.split(':').slice(-2);
  if (groups.length !== 2 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const [high, low] = groups.map((g) => parseInt(g, 16)) as [number, number];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}
