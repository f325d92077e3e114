package io.runflowkafka.bridge;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Accepts exactly the URLs {@link Fields#isHttpsUrl} describes, as {@link URI} judges them, but parses an origin
 * again only when it differs from the last accepted one: a callback's 60 image URLs share one, and {@code new URI}
 * over every whole URL was a third of the request threads' CPU in {@code bench/bridge-load.sh} (JFR). One instance
 * per callback; not thread-safe.
 */
final class HttpsUrls {

    private static final int MAX_URL_LENGTH = 2_048;

    private static final String SCHEME_AND_SLASHES = "https://";
    private static final String ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String UNRESERVED = ALPHANUM + "-_.!~*'()";
    // The character classes of java.net.URI (RFC 2396, with IPv6's brackets reserved); '%' is checked apart.
    private static final boolean[] PATH = table(UNRESERVED + ":@&=+$," + ";/");
    private static final boolean[] QUERY_OR_FRAGMENT = table(UNRESERVED + ";/?:@&=+$,[]");

    private String acceptedOrigin;

    /** True for an absolute https URL with a host, no user info, in printable ASCII, of sane length. */
    boolean accepts(String value) {
        if (value.isEmpty() || value.length() > MAX_URL_LENGTH) {
            return false;
        }
        // Every URL URI reads as https, hierarchical and with a host starts so; the authority ends at / ? # or the end.
        if (!value.regionMatches(true, 0, SCHEME_AND_SLASHES, 0, SCHEME_AND_SLASHES.length())) {
            return false;
        }
        int originEnd = SCHEME_AND_SLASHES.length();
        for (; originEnd < value.length(); originEnd++) {
            char c = value.charAt(originEnd);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
        }
        return isPathQueryAndFragment(value, originEnd) && isAcceptedOrigin(value, originEnd);
    }

    private boolean isAcceptedOrigin(String value, int originEnd) {
        if (acceptedOrigin != null
                && acceptedOrigin.length() == originEnd
                && value.regionMatches(0, acceptedOrigin, 0, originEnd)) {
            return true;
        }
        String origin = value.substring(0, originEnd);
        try {
            URI uri = new URI(origin);
            boolean accepted = "https".equalsIgnoreCase(uri.getScheme())
                    && !uri.isOpaque()
                    && uri.getHost() != null
                    && !uri.getHost().isEmpty()
                    && uri.getRawUserInfo() == null;
            if (accepted) {
                acceptedOrigin = origin;
            }
            return accepted;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * What follows the authority, checked as URI checks it: path, then query after '?', fragment after '#'. Controls,
     * spaces and non-ASCII are in neither table.
     */
    private static boolean isPathQueryAndFragment(String value, int from) {
        boolean[] allowed = PATH;
        boolean inFragment = false;
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '#' && !inFragment) {
                allowed = QUERY_OR_FRAGMENT;
                inFragment = true;
            } else if (c == '?' && allowed == PATH) {
                allowed = QUERY_OR_FRAGMENT;
            } else if (c == '%') {
                if (i + 2 >= value.length() || !isHexDigit(value.charAt(i + 1)) || !isHexDigit(value.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c >= allowed.length || !allowed[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean[] table(String characters) {
        boolean[] table = new boolean[0x80];
        for (int i = 0; i < characters.length(); i++) {
            table[characters.charAt(i)] = true;
        }
        return table;
    }
}
