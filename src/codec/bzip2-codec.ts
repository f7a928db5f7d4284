import { UnsupportedFormatError } from '../io/errors.js';
import type { CompressionCodec } from './types.js';

/** BZip2Codec: placeholder until a bzip2 implementation lands (issue: every codec Hadoop ships). */
export function bzip2Codec(): CompressionCodec {
  const missing = (): never => {
    throw new UnsupportedFormatError('BZip2Codec is not available yet in this build');
  };
  return { className: 'org.apache.hadoop.io.compress.BZip2Codec', name: 'bzip2', compress: missing, decompress: missing };
}
