/** What a promise rejected with: its error's name and message. Throws when it resolves instead. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { name, message } = error as Error;
    return { name, message };
  }
  throw new Error('expected the call to be rejected');
}
