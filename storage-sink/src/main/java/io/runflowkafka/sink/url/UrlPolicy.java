package io.runflowkafka.sink.url;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules an image URL from the internet must pass before the sink fetches it: {@code https} only, no
 * user-info, port 443 unless the allowlist entry names another, a host on the allowlist written in canonical form (a DNS name, a dotted-quad IPv4 address
 * without leading zeros, or a bracketed IPv6 address without zone), and every address the host resolves
 * to admitted by the {@link AddressPolicy}.
 *
 * <p>Numeric host forms that resolvers disagree on ({@code 0177.0.0.1}, {@code 0x7f.1}, {@code 2130706433})
 * are refused rather than interpreted: Java would read {@code 0177} as decimal, curl as octal.
 */
public final class UrlPolicy {

    /** Looks a host name up; {@link InetAddress#getAllByName} in production, a table in tests. */
    @FunctionalInterface
    public interface NameResolver {
        /** Every address of {@code host}, a validated DNS name (never a numeric literal). */
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    private static final int MAX_URL_LENGTH = 4096;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    // A top-level label starts with a letter, so an all-numeric or hex-looking host can never pass as a name.
    private static final Pattern TOP_LABEL = Pattern.compile("[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern CANONICAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:.]+");

    private static final int HTTPS_PORT = 443;

    /** One allowlist entry: a host, exact or {@code *.suffix}, and the one port it may be fetched on. */
    private record Entry(String host, int port) {

        static Entry parse(String raw) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            String host = entry;
            String port = null;
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close < 0 || (close < entry.length() - 1 && entry.charAt(close + 1) != ':')) {
                    throw new IllegalArgumentException("allowlist entry " + raw + " is not [IPv6] or [IPv6]:port");
                }
                host = entry.substring(1, close);
                port = close < entry.length() - 1 ? entry.substring(close + 2) : null;
            } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
                host = entry.substring(0, entry.indexOf(':'));
                port = entry.substring(entry.indexOf(':') + 1);
            }
            // More than one colon without brackets is a bare IPv6 address, which cannot carry a port.
            return new Entry(host, port == null ? HTTPS_PORT : parsePort(raw, port));
        }

        private static int parsePort(String raw, String port) {
            if (!port.matches("[1-9][0-9]{0,4}") || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException(
                        "allowlist entry " + raw + " has no valid port after ':' (1 to 65535)");
            }
            return Integer.parseInt(port);
        }

        boolean matches(String candidate) {
            return host.equals(candidate)
                    || (host.startsWith("*.")
                            && candidate.endsWith(host.substring(1))
                            && candidate.length() > host.length() - 1);
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final Set<Entry> allowed;
    private final AddressPolicy addresses;
    private final NameResolver resolver;

    /**
     * A policy.
     *
     * @param allowedHosts exact host names or IP literals (IPv6 with or without brackets), or {@code *.suffix}
     *     for any subdomain of {@code suffix}; compared case-insensitively. An entry allows port 443 only, unless it
     *     names another: {@code host:8443}, {@code *.suffix:8443}, {@code [IPv6]:8443}
     * @param addresses which resolved addresses may be connected to
     * @param resolver how host names are looked up
     * @throws IllegalArgumentException for an entry whose port is not a number from 1 to 65535
     */
    public UrlPolicy(Collection<String> allowedHosts, AddressPolicy addresses, NameResolver resolver) {
        Set<Entry> entries = new LinkedHashSet<>();
        for (String host : allowedHosts) {
            if (!host.isBlank()) {
                entries.add(Entry.parse(host));
            }
        }
        this.allowed = Set.copyOf(entries);
        this.addresses = addresses;
        this.resolver = resolver;
    }

    /** A policy resolving names with the system resolver. */
    public UrlPolicy(Collection<String> allowedHosts, AddressPolicy addresses) {
        this(allowedHosts, addresses, InetAddress::getAllByName);
    }

    /** The allowlist, normalized, each entry as {@code host:port}. */
    public Set<String> allowedHosts() {
        Set<String> entries = new TreeSet<>();
        allowed.forEach(entry -> entries.add(entry.toString()));
        return entries;
    }

    /**
     * Checks the URL's form and host without any network access (IP literals are judged here too).
     *
     * @throws UrlRefusedException naming the rule the URL breaks
     */
    public CheckedUrl check(String raw) throws UrlRefusedException {
        if (raw == null || raw.isEmpty()) {
            throw new UrlRefusedException("empty URL");
        }
        if (raw.length() > MAX_URL_LENGTH) {
            throw new UrlRefusedException("URL longer than " + MAX_URL_LENGTH + " characters");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\') {
                throw new UrlRefusedException("URL contains a space, control, non-ASCII or backslash character");
            }
        }
        int hash = raw.indexOf('#');
        String withoutFragment = hash < 0 ? raw : raw.substring(0, hash);
        URI uri;
        try {
            uri = new URI(withoutFragment);
        } catch (URISyntaxException e) {
            throw new UrlRefusedException("not a valid URL (" + e.getReason() + ")");
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getScheme() == null) {
            throw new UrlRefusedException("not an absolute hierarchical URL");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https")) {
            throw new UrlRefusedException("scheme " + scheme + " is not allowed: only https");
        }
        if (uri.getRawUserInfo() != null) {
            throw new UrlRefusedException("user-info in a URL is not allowed");
        }
        String rawHost = uri.getHost();
        if (rawHost == null) {
            String authority = uri.getRawAuthority();
            // An authority with '@' may carry a password: name it only when it cannot.
            throw new UrlRefusedException("URL has no valid host"
                    + (authority == null || authority.contains("@") ? "" : " (" + authority + ")"));
        }
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        String expectedAuthority = uri.getPort() < 0 ? rawHost : rawHost + ":" + uri.getPort();
        if (!expectedAuthority.equals(uri.getRawAuthority()) || port < 1 || port > 65535) {
            throw new UrlRefusedException("URL authority is not a plain host[:port]");
        }
        String host = rawHost.toLowerCase(Locale.ROOT);
        InetAddress literal = null;
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
            literal = ipv6Literal(host);
        } else if (!isDnsName(host)) {
            literal = canonicalIpv4(host);
        }
        if (!isAllowed(host)) {
            throw new UrlRefusedException("host " + host + " is not on the allowlist");
        }
        if (!isAllowed(host, port)) {
            throw new UrlRefusedException("port " + port + " of " + host
                    + " is not on the allowlist (an entry without a port allows 443 only)");
        }
        if (literal != null) {
            addresses.check(host, literal);
        }
        return new CheckedUrl(uri, host, port);
    }

    /**
     * Every address of an allowlisted {@code host}, each admitted by the address policy; the fetcher
     * connects to exactly these, so a second lookup cannot swap in another address. The port was judged by
     * {@link #check}.
     *
     * @throws UrlRefusedException when the host is not allowlisted or any of its addresses is refused
     * @throws UnknownHostException when the name does not resolve (a transient condition for an allowlisted host)
     */
    public List<InetAddress> resolve(String host) throws UrlRefusedException, UnknownHostException {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (!isAllowed(name)) {
            throw new UrlRefusedException("host " + name + " is not on the allowlist");
        }
        List<InetAddress> resolved = new ArrayList<>();
        if (name.contains(":")) {
            resolved.add(ipv6Literal(name));
        } else if (isDnsName(name)) {
            for (InetAddress address : resolver.lookup(name)) {
                resolved.add(address);
            }
        } else {
            resolved.add(canonicalIpv4(name));
        }
        if (resolved.isEmpty()) {
            throw new UnknownHostException(name);
        }
        // Refuse the host if any address is refused: a name that mixes public and private answers is an attack.
        for (InetAddress address : resolved) {
            addresses.check(name, address);
        }
        return List.copyOf(resolved);
    }

    private boolean isAllowed(String host) {
        return allowed.stream().anyMatch(entry -> entry.matches(host));
    }

    private boolean isAllowed(String host, int port) {
        return allowed.stream().anyMatch(entry -> entry.port() == port && entry.matches(host));
    }

    static boolean isDnsName(String host) {
        if (host.isEmpty() || host.length() > 253 || host.endsWith(".")) {
            return false;
        }
        String[] labels = host.split("\\.", -1);
        for (int i = 0; i < labels.length - 1; i++) {
            if (!LABEL.matcher(labels[i]).matches()) {
                return false;
            }
        }
        return TOP_LABEL.matcher(labels[labels.length - 1]).matches();
    }

    private static InetAddress canonicalIpv4(String host) throws UrlRefusedException {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            throw new UrlRefusedException("host " + host + " is neither a DNS name nor a canonical IPv4 address");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!CANONICAL_OCTET.matcher(parts[i]).matches() || Integer.parseInt(parts[i]) > 255) {
                throw new UrlRefusedException("host " + host
                        + " is not a canonical IPv4 address (octal, hex or out-of-range parts are refused)");
            }
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static InetAddress ipv6Literal(String host) throws UrlRefusedException {
        // Only hex digits, colons and dots: no zone id (%eth0), so getByName parses a literal and never looks up.
        if (!IPV6_CHARS.matcher(host).matches() || !host.contains(":")) {
            throw new UrlRefusedException("host [" + host + "] is not a plain IPv6 address (zone ids are refused)");
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UrlRefusedException("host [" + host + "] is not a valid IPv6 address");
        }
    }
}
