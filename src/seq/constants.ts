/** SequenceFile constants, as Hadoop 3.x defines them. */

/** "SEQ" magic. */
export const MAGIC = new Uint8Array([0x53, 0x45, 0x51]);
/** The version Hadoop writes (6: with metadata). Readers accept 1..6. */
export const CURRENT_VERSION = 6;
/** Version 4 added block compression and Text class names (older ones use UTF8). */
export const BLOCK_COMPRESS_VERSION = 4;
/** Version 5 added the codec class name. */
export const CUSTOM_COMPRESS_VERSION = 5;
/** Version 6 added metadata. */
export const VERSION_WITH_METADATA = 6;

/** A record length of -1 announces a sync marker. */
export const SYNC_ESCAPE = -1;
export const SYNC_HASH_SIZE = 16;
/** Escape + marker. */
export const SYNC_SIZE = 4 + SYNC_HASH_SIZE;
/** Hadoop's SYNC_INTERVAL: 100 KiB between periodic sync markers. */
export const DEFAULT_SYNC_INTERVAL = 100 * 1024;
/** `io.seqfile.compress.blocksize` default. */
export const DEFAULT_BLOCK_SIZE = 1_000_000;

export const DEFAULT_CODEC_CLASS = 'org.apache.hadoop.io.compress.DefaultCodec';

export type CompressionType = 'NONE' | 'RECORD' | 'BLOCK';
