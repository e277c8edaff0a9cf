import type { KeySource } from './adapter';

/** Reads the key for this call; a failing key store counts as "no key" (the message then says how to set one). */
export async function lookupKey(keys: KeySource, providerId: string): Promise<string | undefined> {
  try {
    const key = await keys(providerId);
    return key && key.trim() !== '' ? key.trim() : undefined;
  } catch {
    return undefined;
  }
}
