// PLACEHOLDER: being written (issue 5).
export async function handler(event: unknown): Promise<unknown> { return event; }
