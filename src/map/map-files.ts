import { join } from 'node:path';

/** File names inside a MapFile directory, as Hadoop's MapFile names them. */
export const DATA_FILE = 'data';
export const INDEX_FILE = 'index';
export const BLOOM_FILE = 'bloom';

export const dataPath = (dir: string): string => join(dir, DATA_FILE);
export const indexPath = (dir: string): string => join(dir, INDEX_FILE);
export const bloomPath = (dir: string): string => join(dir, BLOOM_FILE);

/** Hadoop's `io.map.index.interval` default. */
export const DEFAULT_INDEX_INTERVAL = 128;

export const LONG_WRITABLE = 'org.apache.hadoop.io.LongWritable';
export const NULL_WRITABLE = 'org.apache.hadoop.io.NullWritable';
