import { SequenceFileReader } from '../../seq/reader.js';
import type { LineOutput } from '../output.js';
import type { ReaderFactory } from '../inputs.js';

/** `key<TAB>value` per record with Java `toString()`, as `hadoop fs -text` prints. */
export async function catFile(open: ReaderFactory, out: LineOutput, limit = Number.POSITIVE_INFINITY): Promise<void> {
  const reader: SequenceFileReader = await open();
  try {
    const kt = reader.keyType;
    const vt = reader.valueType;
    let n = 0;
    while (n < limit && !out.closed) {
      const raw = await reader.nextRaw();
      if (raw === null) break;
      await out.line(`${kt.toString(reader.decodeKey(raw))}\t${vt.toString(reader.decodeValue(raw))}`);
      n++;
    }
  } finally {
    await reader.close();
  }
}
