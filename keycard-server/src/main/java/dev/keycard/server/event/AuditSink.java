package dev.keycard.server.event;

import dev.keycard.server.log.EmbeddedJson;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where audit events go, a batch at a time, on the audit thread (never a request's). */
@FunctionalInterface
public interface AuditSink {

    /** The logger every audit event is written to, one record per event. */
    String LOGGER = "keycard.audit";

    /** Writes the batch; may block. An exception loses the batch (counted as dropped). */
    void write(List<AuditEvent> batch);

    /** This sink, then {@code next}, for each batch. */
    default AuditSink andThen(AuditSink next) {
        return batch -> {
            write(batch);
            next.write(batch);
        };
    }

    /**
     * The default: each event as one JSON object, at INFO, to the logger {@value #LOGGER}; in JSON
     * lines the object is the member {@code audit} and the type the message.
     */
    static AuditSink log() {
        Logger log = LoggerFactory.getLogger(LOGGER);
        return batch -> {
            for (AuditEvent e : batch) {
                log.info("{}", new EmbeddedJson("audit", e.type(), e.toJson()));
            }
        };
    }
}
