package dev.keycard.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.Map;

/**
 * Reads a request body as one JSON object, strictly (RFC 8259): no comments, no trailing content,
 * no member name twice in one object (§4 says names SHOULD be unique; a proxy that checks JSON
 * and keeps the first would see another object than Keycard, which would keep the last), and no
 * string holding a lone surrogate (§8.2: not text, and stored as {@code ?}). Vert.x's own codec
 * allows comments and duplicates; this one is the same Jackson, configured the other way.
 */
public final class StrictJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final String LONE_SURROGATE = "a string holds a lone surrogate, which is not text";

    private StrictJson() {
    }

    /**
     * Why a body was refused, in words for the problem's {@code detail}: it is no JSON object at
     * all, or one that a lenient parser would read but this one does not ({@link #lenientWouldRead}).
     */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean lenientWouldRead;

        Invalid(String reason, boolean lenientWouldRead) {
            super(reason, null, false, false);
            this.lenientWouldRead = lenientWouldRead;
        }

        /** Whether the body is a JSON object to a lenient parser: a duplicate, a comment, a lone surrogate. */
        public boolean lenientWouldRead() {
            return lenientWouldRead;
        }
    }

    /**
     * The object {@code body} holds.
     *
     * @throws Invalid when it is not exactly one strict JSON object
     */
    public static JsonObject object(byte[] body) throws Invalid {
        Object value;
        try {
            JsonParser parser = FACTORY.createParser(body);
            value = JacksonCodec.fromParser(parser, Object.class);
        } catch (IOException | DecodeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String message = String.valueOf(cause.getMessage());
            if (message.startsWith("Duplicate field")) {
                throw new Invalid("a member name appears twice in one object", true);
            }
            if (cause instanceof StreamReadException && message.contains("ALLOW_COMMENTS")) {
                throw new Invalid("comments are not JSON", true);
            }
            if (message.toLowerCase(java.util.Locale.ROOT).contains("surrogate")) {
                throw new Invalid(LONE_SURROGATE, true); // Jackson refuses one in a member name
            }
            throw new Invalid("the body is not a JSON object", false);
        }
        if (!(value instanceof JsonObject object)) {
            throw new Invalid("the body is not a JSON object", false);
        }
        requireText(object.getMap());
        return object;
    }

    private static void requireText(Object value) throws Invalid {
        switch (value) {
            case String s -> requireText(s);
            case Map<?, ?> m -> {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    requireText(e.getKey());
                    if (e.getValue() != null) {
                        requireText(e.getValue());
                    }
                }
            }
            case JsonObject o -> requireText(o.getMap());
            case JsonArray a -> requireText(a.getList());
            case Iterable<?> list -> {
                for (Object o : list) {
                    if (o != null) {
                        requireText(o);
                    }
                }
            }
            default -> {
            }
        }
    }

    private static void requireText(String s) throws Invalid {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new Invalid(LONE_SURROGATE, true);
            }
        }
    }
}
