/**
 * A tiny DOM builder for the plain-DOM parts of the pages (browser code): the demo and the sign-in
 * panel the explorer shares with it. Text children become text nodes, so nothing is parsed as HTML.
 */

export type Child = Node | string | null | undefined;

/** `<tag attr=value …>children</tag>`; null and undefined children are skipped. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) element.append(child);
  return element;
}

/** The message of anything thrown (Amplify throws `Error`s with a `name` such as `NotAuthorizedException`). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** `localStorage`, or undefined where the browser blocks it. */
export function pageStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
