// Reduces `seqcat dump` lines to the fields DumpSequenceFile.java prints, so the two can be diffed.
import { createInterface } from 'node:readline';

export function reduceLine(line: string): string {
  const o = JSON.parse(line);
  if (o.type === 'header') {
    return JSON.stringify({ type: 'header', keyClass: o.keyClass, valueClass: o.valueClass, compression: o.compression, codec: o.codec, metadata: o.metadata, records: o.records });
  }
  return JSON.stringify({ type: 'record', i: o.i, keyHex: o.keyHex, key: o.key, valueHex: o.valueHex, value: o.value });
}

if (process.argv[1]?.endsWith('reduce-dump.js')) {
  for await (const line of createInterface({ input: process.stdin })) if (line) process.stdout.write(reduceLine(line) + '\n');
}
