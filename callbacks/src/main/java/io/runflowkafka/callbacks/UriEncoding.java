package io.runflowkafka.callbacks;

import java.nio.charset.StandardCharsets;

/** Percent-encoding of one URL path segment (RFC 3986), for run ids, callback job references and order ids. */
public final class UriEncoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriEncoding() {}

    // Hand-written: the JDK has no RFC 3986 path-segment encoder (URLEncoder is for forms: '+' for space).
    /** {@code value} as one path segment: every byte but RFC 3986's unreserved characters percent-encoded. */
    public static String pathSegment(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean unreserved = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~';
            if (unreserved) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0x0f]);
            }
        }
        return out.toString();
    }
}
