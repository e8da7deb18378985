/**
 * Time-zone offsets for `util.time` (runs INSIDE the vm context). Zones are Java `ZoneId` strings:
 * `UTC`/`Z`/`GMT`, fixed offsets (`+08:00`, `-07:00:30`, `+0800`, `+08`, `UTC+8`) or IANA ids
 * (`Asia/Tokyo`, resolved with the context's Intl before the prelude hides it).
 */
const NativeIntl = Intl;
const NativeDate = Date;

export type Zone = { readonly kind: 'fixed'; readonly id: string; readonly offsetSeconds: number } | { readonly kind: 'region'; readonly id: string; readonly format: Intl.DateTimeFormat };

const cache = new Map<string, Zone>();

function parseOffset(text: string): number | null {
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(text);
  if (!m) return null;
  const seconds = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  if (Number(m[2]) > 18) return null;
  return m[1] === '-' ? -seconds : seconds;
}

/** Resolves a zone id; throws like Java's `ZoneId.of` for unknown ids. */
export function resolveZone(id: unknown): Zone {
  const key = id === undefined || id === null ? 'UTC' : String(id);
  const cached = cache.get(key);
  if (cached) return cached;
  let zone: Zone;
  if (key === 'UTC' || key === 'Z' || key === 'GMT' || key === 'UT') {
    zone = { kind: 'fixed', id: key, offsetSeconds: 0 };
  } else {
    const offsetText = /^(?:UTC|GMT|UT)?([+-].*)$/.exec(key)?.[1];
    const offset = offsetText === undefined ? null : parseOffset(offsetText);
    if (offset !== null) {
      zone = { kind: 'fixed', id: key, offsetSeconds: offset };
    } else {
      let format: Intl.DateTimeFormat;
      try {
        format = new NativeIntl.DateTimeFormat('en-US', {
          timeZone: key, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
        });
      } catch {
        throw new Error(`Unknown time-zone ID: ${key}`);
      }
      zone = { kind: 'region', id: key, format };
    }
  }
  cache.set(key, zone);
  return zone;
}

/** Offset of `zone` from UTC at the instant `epochMs`, in seconds. */
export function offsetSecondsAt(zone: Zone, epochMs: number): number {
  if (zone.kind === 'fixed') return zone.offsetSeconds;
  const parts: Record<string, number> = {};
  for (const p of zone.format.formatToParts(new NativeDate(epochMs))) parts[p.type] = Number(p.value);
  const local = NativeDate.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
  return Math.round((local - Math.floor(epochMs / 1000) * 1000) / 1000);
}

/** Epoch ms of a local date-time (as if UTC) in `zone`. */
export function localToEpoch(zone: Zone, localAsUtcMs: number): number {
  const first = localAsUtcMs - offsetSecondsAt(zone, localAsUtcMs) * 1000;
  return localAsUtcMs - offsetSecondsAt(zone, first) * 1000;
}

/** A zone's short display name (`JST`, `UTC`) or long name, for the `z` pattern letter. */
export function zoneName(zone: Zone, epochMs: number, long: boolean): string {
  if (zone.kind === 'fixed') return zone.offsetSeconds === 0 ? (zone.id === 'Z' ? 'Z' : zone.id) : zone.id;
  const f = new NativeIntl.DateTimeFormat('en-US', { timeZone: zone.id, timeZoneName: long ? 'long' : 'short' });
  return f.formatToParts(new NativeDate(epochMs)).find((p) => p.type === 'timeZoneName')?.value ?? zone.id;
}
