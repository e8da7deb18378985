/**
 * UTF-8, base64 and URL encoding written out by hand: the vm context has no Buffer, TextEncoder or
 * btoa (runs INSIDE the sandbox). Semantics follow the Java classes AppSync is built on
 * (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers).
 */

export function utf8Encode(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    let cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // lone surrogate, as Java's encoder replaces it
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return bytes;
}

export function utf8Decode(bytes: readonly number[]): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    let need = 0;
    let cp = 0;
    if (b < 0x80) { cp = b; } else if (b >= 0xc2 && b < 0xe0) { need = 1; cp = b & 31; } else if (b >= 0xe0 && b < 0xf0) { need = 2; cp = b & 15; } else if (b >= 0xf0 && b < 0xf5) { need = 3; cp = b & 7; } else { out += '\ufffd'; i += 1; continue; }
    let ok = true;
    for (let k = 1; k <= need; k += 1) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) { ok = false; break; }
      cp = (cp << 6) | (c & 63);
    }
    if (!ok) { out += '\ufffd'; i += 1; continue; }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64FromBytes(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += b === undefined ? '=' : B64[(n >> 6) & 63]!;
    out += c === undefined ? '=' : B64[n & 63]!;
  }
  return out;
}

export function bytesFromBase64(text: string): number[] {
  const clean = text.replace(/[\s=]/g, '').replace(/-/g, '+').replace(/_/g, '/');
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const v = B64.indexOf(ch);
    if (v < 0) continue;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return bytes;
}

const HEX = '0123456789ABCDEF';

/** Java `URLEncoder.encode(s, UTF_8)`: keeps `A-Za-z0-9.-_*`, space becomes `+`. */
export function urlEncode(text: string): string {
  let out = '';
  for (const b of utf8Encode(text)) {
    const ch = String.fromCharCode(b);
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || ch === '.' || ch === '-' || ch === '_' || ch === '*') out += ch;
    else if (ch === ' ') out += '+';
    else out += '%' + HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

/** Java `URLDecoder.decode(s, UTF_8)`. */
export function urlDecode(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '+') bytes.push(0x20);
    else if (ch === '%' && i + 2 < text.length + 0 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...utf8Encode(ch));
  }
  return utf8Decode(bytes);
}

/** Apache Commons `StringEscapeUtils.escapeEcmaScript`. */
export function escapeJavaScript(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    const code = text.charCodeAt(i);
    switch (ch) {
      case "'": out += "\\'"; break;
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '/': out += '\\/'; break;
      case '\b': out += '\\b'; break;
      case '\n': out += '\\n'; break;
      case '\t': out += '\\t'; break;
      case '\f': out += '\\f'; break;
      case '\r': out += '\\r'; break;
      default:
        out += code < 32 || code > 0x7f ? '\\u' + code.toString(16).toUpperCase().padStart(4, '0') : ch;
    }
  }
  return out;
}
