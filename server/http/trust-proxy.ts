/**
 * TRUST_PROXY as Express's `trust proxy` setting, which decides `req.ip` (the client address that failed
 * authentication is counted against): empty → trust no proxy (the connection's address), `true`, a hop count, or a
 * comma-separated list of addresses, CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal`.
 */
export function trustProxy(setting: string): boolean | number | string {
  const value = setting.trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
