package io.watershed.server.admin;

import io.watershed.log.format.Header;
import io.watershed.log.format.Record;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A record of a partition as the API shows it. */
final class RecordJson {
  private RecordJson() {}

  static Map<String, Object> of(int partition, Record r, ValueFormat format) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("partition", partition);
    m.put("offset", r.offset());
    m.put("timestamp", r.timestamp());
    ValueFormat.Shown key = (format == ValueFormat.AUTO ? ValueFormat.TEXT : format).show(r.key());
    m.put("key", key.value());
    m.put("keyFormat", key.format());
    ValueFormat.Shown value = format.show(r.value());
    m.put("value", value.value());
    m.put("valueFormat", value.format());
    m.put("valueSize", r.value() == null ? -1 : r.value().remaining());
    List<Map<String, Object>> headers = new ArrayList<>();
    for (Header h : r.headers()) {
      Map<String, Object> hm = new LinkedHashMap<>();
      hm.put("key", h.key());
      ValueFormat.Shown hv =
          (format == ValueFormat.AUTO || format == ValueFormat.JSON ? ValueFormat.TEXT : format)
              .show(h.value());
      hm.put("value", hv.value());
      headers.add(hm);
    }
    m.put("headers", headers);
    return m;
  }
}
