// Opens a MapFile or BloomMapFile directory written by hadoop-io with Hadoop's own reader and prints,
// as JSON Lines, a `get` for every key in its data file, then `midKey` and `finalKey`: the lines
// map-lookups.ts prints with our reader, so the two can be diffed.
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BloomMapFile;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.MapFile;
import org.apache.hadoop.io.SequenceFile;
import org.apache.hadoop.io.Writable;
import org.apache.hadoop.io.WritableComparable;
import org.apache.hadoop.util.ReflectionUtils;

public class LookupMapFile {
  public static void main(String[] args) throws IOException {
    Configuration conf = new Configuration();
    Path dir = new Path(args[0]);
    FileSystem fs = FileSystem.getLocal(conf);
    boolean bloom = fs.exists(new Path(dir, "bloom"));
    MapFile.Reader map = bloom ? new BloomMapFile.Reader(dir, conf) : new MapFile.Reader(dir, conf);
    SequenceFile.Reader data = new SequenceFile.Reader(conf, SequenceFile.Reader.file(new Path(dir, "data")));
    WritableComparable<?> key = (WritableComparable<?>) ReflectionUtils.newInstance(data.getKeyClass(), conf);
    Writable value = (Writable) ReflectionUtils.newInstance(data.getValueClass(), conf);
    Writable found = (Writable) ReflectionUtils.newInstance(data.getValueClass(), conf);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (data.next(key, value)) {
      Writable res = map.get(key, found);
      out.append("{\"type\":\"get\",\"i\":").append(i++).append(",\"keyHex\":\"").append(hex(key)).append("\",\"found\":").append(res != null);
      if (res != null) out.append(",\"valueHex\":\"").append(hex(found)).append('"');
      out.append("}\n");
      if (bloom) {
        out.append("{\"type\":\"probablyHasKey\",\"keyHex\":\"").append(hex(key)).append("\",\"result\":")
            .append(((BloomMapFile.Reader) map).probablyHasKey(key)).append("}\n");
      }
    }
    WritableComparable<?> mid = map.midKey();
    out.append("{\"type\":\"midKey\",\"keyHex\":").append(mid == null ? "null" : "\"" + hex(mid) + "\"").append("}\n");
    if (i > 0) {
      WritableComparable<?> last = (WritableComparable<?>) ReflectionUtils.newInstance(data.getKeyClass(), conf);
      map.finalKey(last);
      out.append("{\"type\":\"finalKey\",\"keyHex\":\"").append(hex(last)).append("\"}\n");
    }
    data.close();
    map.close();
    System.out.print(out);
  }

  static String hex(Writable w) throws IOException {
    DataOutputBuffer b = new DataOutputBuffer();
    w.write(b);
    StringBuilder s = new StringBuilder();
    for (int j = 0; j < b.getLength(); j++) s.append(String.format("%02x", b.getData()[j] & 0xff));
    return s.toString();
  }
}
