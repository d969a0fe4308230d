/**
 * Address defaults shared by the daemons: what to advertise when `--ip` or
 * `--hostname` is not given.
 */
import os from 'node:os';

/**
 * The IP to advertise: `--ip` if given and not a wildcard, else the first
 * non-internal IPv4 address, else 127.0.0.1 (a machine with no network).
 */
export function advertisedIp(ip: string | undefined): string {
  if (ip && ip !== '0.0.0.0') return ip;
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}

/**
 * The hostname to advertise: `--hostname`, else the IP itself when it is a
 * loopback address or lookups are off (so links work without DNS), else the
 * machine's hostname.
 */
export function advertisedHostname(hostname: string | undefined, ip: string, lookup: boolean): string {
  if (hostname) return hostname;
  if (!lookup || ip.startsWith('127.')) return ip;
  return os.hostname();
}
