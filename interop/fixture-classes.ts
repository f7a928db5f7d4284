// The one user class in the corpus: `fixtures.TextArrayWritable extends ArrayWritable { super(Text.class) }`,
// registered the way a user registers their own ArrayWritable subclass.
import { defaultRegistry, arrayWritableType } from '../src/index.js';

export function registerFixtureClasses(): void {
  if (!defaultRegistry.get('fixtures.TextArrayWritable')) {
    defaultRegistry.register(arrayWritableType('fixtures.TextArrayWritable', 'org.apache.hadoop.io.Text'));
  }
}
