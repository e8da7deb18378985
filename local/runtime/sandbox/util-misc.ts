/**
 * `util.str`, `util.math`, `util.http` and `util.xml` (runs INSIDE the vm context).
 * See docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; AWS docs: str/math/xml/http helper pages of the developer guide.
 */
import { state } from './state.ts';

export function createStrUtil(): Record<string, unknown> {
  return {
    normalize: (value: string, form: string) => String(value).normalize(String(form).toUpperCase()),
  };
}

export function createMathUtil(): Record<string, unknown> {
  return {
    roundNum: (x: number) => Math.round(x),
    minVal: (a: number, b: number) => Math.min(a, b),
    maxVal: (a: number, b: number) => Math.max(a, b),
    randomDouble: () => Math.random(),
    randomWithinRange: (lo: number, hi: number) => Math.floor(lo + Math.random() * (hi - lo)),
  };
}

/** Hop-by-hop and length headers `copyHeaders` leaves out (docs: http-helpers-in-utils-http-js.html). */
const HOP_HEADERS = ['transfer-encoding', 'connection', 'host', 'expect', 'keep-alive', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'te', 'content-length'];
const FORBIDDEN_RESPONSE_HEADERS = [
  ...HOP_HEADERS, 'access-control-allow-credentials', 'access-control-allow-origin', 'access-control-expose-headers',
  'access-control-max-age', 'access-control-allow-methods', 'access-control-allow-headers', 'vary', 'content-type',
];
/** AppSync caps the custom response headers of one request at 4 KB. */
const RESPONSE_HEADERS_LIMIT = 4096;

function addResponseHeader(name: unknown, value: unknown): void {
  const s = state();
  const lower = typeof name === 'string' ? name.toLowerCase() : '';
  const rejected = lower === '' || value === null || value === undefined || FORBIDDEN_RESPONSE_HEADERS.includes(lower) || lower.startsWith('x-amzn-') || lower.startsWith('x-amz-');
  const next = { ...s.responseHeaders, [String(name)]: String(value) };
  const size = Object.entries(next).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (rejected || size > RESPONSE_HEADERS_LIMIT) {
    s.appendedErrors.push({ message: `Unable to add response header ${String(name)}`, errorType: 'ResponseHeaderError', data: null, errorInfo: null });
    return;
  }
  s.responseHeaders = next;
}

export function createHttpUtil(): Record<string, unknown> {
  return {
    copyHeaders: (headers: unknown) => {
      const out: Record<string, unknown> = {};
      if (typeof headers !== 'object' || headers === null) return out;
      for (const [k, v] of Object.entries(headers)) if (!HOP_HEADERS.includes(k.toLowerCase())) out[k] = v;
      return out;
    },
    addResponseHeader,
    addResponseHeaders: (headers: unknown) => {
      if (typeof headers !== 'object' || headers === null) return;
      for (const [k, v] of Object.entries(headers)) addResponseHeader(k, v);
    },
  };
}

interface XmlNode { name: string; children: XmlNode[]; text: string }

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return ENTITIES[e] ?? whole;
  });
}

function parseXml(xml: string): XmlNode | null {
  const root: XmlNode = { name: '#root', children: [], text: '' };
  const stack: XmlNode[] = [root];
  const re = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/([^\s>]+)\s*>|<([^\s/>]+)[^>]*?(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml)) !== null) {
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[2] !== undefined) {
      if (top.name !== m[2] || stack.length === 1) return null;
      stack.pop();
    } else if (m[3] !== undefined) {
      const node: XmlNode = { name: m[3], children: [], text: '' };
      top.children.push(node);
      if (m[4] !== '/') stack.push(node);
    } else if (m[5] !== undefined) top.text += decodeEntities(m[5]);
  }
  return stack.length === 1 && root.children.length === 1 ? root : null;
}

function nodeValue(node: XmlNode): unknown {
  if (node.children.length === 0) {
    const text = node.text.trim();
    return text !== '' && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  }
  const out: Record<string, unknown> = {};
  for (const child of node.children) {
    const value = nodeValue(child);
    const existing = out[child.name];
    if (existing === undefined) out[child.name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[child.name] = [existing, value];
  }
  return out;
}

export function xmlToMap(xml: string): Record<string, unknown> | null {
  const root = parseXml(String(xml));
  return root === null ? null : (nodeValue(root) as Record<string, unknown>);
}

export function createXmlUtil(): Record<string, unknown> {
  return {
    toMap: xmlToMap,
    toJsonString: (xml: string, stringEncode?: boolean) => {
      const json = JSON.stringify(xmlToMap(xml));
      return stringEncode === true ? JSON.stringify(json) : json;
    },
  };
}
