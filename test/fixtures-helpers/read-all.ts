import { SequenceFileReader } from '../../src/index.js';

/** Every decoded record of a file or bytes, the reader closed afterwards. */
export async function readAll(input: string | Uint8Array): Promise<{ key: unknown; value: unknown }[]> {
  const r = await SequenceFileReader.open(input);
  const out: { key: unknown; value: unknown }[] = [];
  try {
    for await (const kv of r) out.push(kv);
  } finally {
    await r.close();
  }
  return out;
}
