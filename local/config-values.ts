/**
 * Parsers for single option values of `loadConfig` (`config.ts`): each takes the raw text and the
 * option's name (flag or environment variable) and throws a ConfigError naming both (STYLE 9).
 */
import { ConfigError } from '../api/config-error.ts';

/** A browser origin (`http(s)://host[:port]`, no path) or `*`. */
export function parseCorsOrigin(source: string, raw: string): string {
  const value = raw.trim().replace(/\/$/, '');
  if (value === '*') return value;
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value) {
    throw new ConfigError(`${source}: must be an origin like http://localhost:5173 (scheme, host and port only) or *. Received: ${raw}`);
  }
  return value;
}

/**
 * `--public-url` / `PUBLIC_URL`: an http(s) origin; a trailing `/` is dropped. A path is refused:
 * presigned URLs are signed over the path the client sends (docs/devices.md), so a proxy that
 * strips a prefix would break every signature.
 */
export function parsePublicUrl(source: string, raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  const value = raw.replace(/\/$/, '');
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value.toLowerCase() || url.hostname === '') {
    throw new ConfigError(`${source}: must be an origin like https://192.168.1.20:4000 (scheme, host and port only, no path). Received: ${raw}`);
  }
  return url.origin;
}

/** A host name as `--public-host` takes it: IPv6 without brackets. */
export function hostOfUrl(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}

/** `--mfa off|optional|required` (any case). */
export function parseMfa(raw: string): 'OFF' | 'OPTIONAL' | 'REQUIRED' {
  const value = raw.toUpperCase();
  if (value !== 'OFF' && value !== 'OPTIONAL' && value !== 'REQUIRED') throw new ConfigError(`--mfa: must be off, optional or required. Received: ${raw}`);
  return value;
}

export function parsePort(source: string, raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw new ConfigError(`${source}: must be an integer 0-65535. Received: ${raw}`);
  return Number(raw);
}

export function parseEndpoint(name: string, raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}: must be an absolute http(s) URL. Received: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name}: must be an absolute http(s) URL. Received: ${raw}`);
  return raw.replace(/\/+$/, '');
}
