// Reads a SequenceFile with Hadoop's own SequenceFile.Reader and prints what Hadoop sees, as JSON Lines
// in the shape of `node interop/java/reduce-dump.js` applied to `seqcat dump`: a header line with the
// classes, compression, codec, metadata and record count, then one line per record with the raw key and
// value bytes (hex) and their toString(). Used by interop/java/run.sh; needs HADOOP_CLASSPATH.
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.SequenceFile;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.Writable;
import org.apache.hadoop.util.ReflectionUtils;

public class DumpSequenceFile {
  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    Path path = new Path(args[0]);
    FileSystem fs = FileSystem.getLocal(conf).getRawFileSystem();
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    long records = 0;
    try (SequenceFile.Reader r = new SequenceFile.Reader(conf, SequenceFile.Reader.file(fs.makeQualified(path)))) {
      Writable k = (Writable) ReflectionUtils.newInstance(r.getKeyClass(), conf);
      Writable v = (Writable) ReflectionUtils.newInstance(r.getValueClass(), conf);
      while (r.next(k, v)) records++;
    }
    try (SequenceFile.Reader r = new SequenceFile.Reader(conf, SequenceFile.Reader.file(fs.makeQualified(path)))) {
      StringBuilder h = new StringBuilder("{\"type\":\"header\"");
      field(h, "keyClass", r.getKeyClassName());
      field(h, "valueClass", r.getValueClassName());
      field(h, "compression", !r.isCompressed() ? "NONE" : r.isBlockCompressed() ? "BLOCK" : "RECORD");
      h.append(",\"codec\":").append(r.getCompressionCodec() == null ? "null" : quote(r.getCompressionCodec().getClass().getName()));
      h.append(",\"metadata\":[");
      TreeMap<Text, Text> md = r.getMetadata().getMetadata();
      boolean first = true;
      for (Map.Entry<Text, Text> e : md.entrySet()) {
        if (!first) h.append(',');
        first = false;
        h.append('[').append(quote(e.getKey().toString())).append(',').append(quote(e.getValue().toString())).append(']');
      }
      h.append("],\"records\":").append(records).append('}');
      out.println(h);
      long i = 0;
      while (true) {
        // fresh instances per record: MapWritable ids must not leak between records
        Writable k = (Writable) ReflectionUtils.newInstance(r.getKeyClass(), conf);
        Writable v = (Writable) ReflectionUtils.newInstance(r.getValueClass(), conf);
        if (!r.next(k, v)) break;
        StringBuilder s = new StringBuilder("{\"type\":\"record\",\"i\":").append(i++);
        field(s, "keyHex", hex(bytes(k)));
        field(s, "key", k.toString());
        field(s, "valueHex", hex(bytes(v)));
        field(s, "value", v.toString());
        out.println(s.append('}'));
      }
    }
    out.flush();
  }

  static byte[] bytes(Writable w) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    w.write(new DataOutputStream(b));
    return b.toByteArray();
  }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder(b.length * 2);
    for (byte x : b) s.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
    return s.toString();
  }

  static void field(StringBuilder s, String name, String value) {
    s.append(",\"").append(name).append("\":").append(quote(value));
  }

  /** JSON string escaping exactly as JavaScript's JSON.stringify does it. */
  static String quote(String v) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"': s.append("\\\""); break;
        case '\\': s.append("\\\\"); break;
        case '\b': s.append("\\b"); break;
        case '\f': s.append("\\f"); break;
        case '\n': s.append("\\n"); break;
        case '\r': s.append("\\r"); break;
        case '\t': s.append("\\t"); break;
        default:
          boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1)))
              && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(v.charAt(i - 1)));
          if (c < 0x20 || lone) s.append(String.format("\\u%04x", (int) c));
          else s.append(c);
      }
    }
    return s.append('"').toString();
  }
}
