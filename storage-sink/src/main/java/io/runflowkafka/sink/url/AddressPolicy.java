package io.runflowkafka.sink.url;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Decides which IP addresses the sink may connect to. Loopback, private (RFC 1918, shared 100.64/10,
 * fc00::/7), link-local (169.254/16, fe80::/10) addresses are refused unless private addresses are allowed
 * (development against the emulator); unspecified, multicast, broadcast, reserved, documentation and cloud
 * metadata addresses are refused always. IPv6 forms that embed an IPv4 address (mapped, compatible, 6to4,
 * NAT64) are judged by the embedded address; Teredo is refused because it hides one.
 */
public final class AddressPolicy {

    // The JDK has no CIDR matching and this table (IANA special-purpose registries) is short, so it is
    // written out here rather than pulling a whole IP library for it.
    private static final List<Block> V4_ALWAYS = List.of(
            Block.of("0.0.0.0", 8, "unspecified (0.0.0.0/8)"),
            Block.of("169.254.169.254", 32, "cloud metadata address"),
            Block.of("100.100.100.200", 32, "cloud metadata address"),
            Block.of("168.63.129.16", 32, "cloud platform address"),
            Block.of("192.0.0.0", 24, "IETF protocol assignments (192.0.0.0/24)"),
            Block.of("192.0.2.0", 24, "documentation (192.0.2.0/24)"),
            Block.of("198.51.100.0", 24, "documentation (198.51.100.0/24)"),
            Block.of("203.0.113.0", 24, "documentation (203.0.113.0/24)"),
            Block.of("198.18.0.0", 15, "benchmarking (198.18.0.0/15)"),
            Block.of("224.0.0.0", 4, "multicast (224.0.0.0/4)"),
            Block.of("240.0.0.0", 4, "reserved or broadcast (240.0.0.0/4)"));
    private static final List<Block> V4_PRIVATE = List.of(
            Block.of("127.0.0.0", 8, "loopback (127.0.0.0/8)"),
            Block.of("10.0.0.0", 8, "private (10.0.0.0/8)"),
            Block.of("172.16.0.0", 12, "private (172.16.0.0/12)"),
            Block.of("192.168.0.0", 16, "private (192.168.0.0/16)"),
            Block.of("100.64.0.0", 10, "shared address space (100.64.0.0/10)"),
            Block.of("169.254.0.0", 16, "link-local (169.254.0.0/16)"));
    private static final List<Block> V6_ALWAYS = List.of(
            Block.of("::", 128, "unspecified (::)"),
            Block.of("fd00:ec2::254", 128, "cloud metadata address"),
            Block.of("ff00::", 8, "multicast (ff00::/8)"),
            Block.of("2001::", 32, "Teredo (2001::/32)"),
            Block.of("2001:db8::", 32, "documentation (2001:db8::/32)"),
            Block.of("3fff::", 20, "documentation (3fff::/20)"),
            Block.of("100::", 64, "discard (100::/64)"));
    private static final List<Block> V6_PRIVATE = List.of(
            Block.of("::1", 128, "loopback (::1)"),
            Block.of("fc00::", 7, "unique local (fc00::/7)"),
            Block.of("fe80::", 10, "link-local (fe80::/10)"),
            Block.of("fec0::", 10, "site-local (fec0::/10)"));
    private static final Block V6_GLOBAL_UNICAST = Block.of("2000::", 3, "global unicast");
    private static final Block V6_6TO4 = Block.of("2002::", 16, "6to4");
    private static final Block V6_NAT64 = Block.of("64:ff9b::", 96, "NAT64");
    private static final Block V6_NAT64_LOCAL = Block.of("64:ff9b:1::", 48, "local NAT64");

    private final boolean allowPrivate;

    /** A policy; {@code allowPrivate} admits loopback, private and link-local addresses (never metadata). */
    public AddressPolicy(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Whether loopback, private and link-local addresses are admitted. */
    public boolean allowsPrivate() {
        return allowPrivate;
    }

    /** Why {@code address} may not be connected to, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return refusalV4(bytes);
        }
        if (address instanceof Inet6Address) {
            return refusalV6(bytes);
        }
        return Optional.of("unknown address family");
    }

    /** Throws when {@code address} may not be connected to; {@code host} only names it in the reason. */
    public void check(String host, InetAddress address) throws UrlRefusedException {
        Optional<String> refusal = refusal(address);
        if (refusal.isPresent()) {
            throw new UrlRefusedException("host " + host + " resolves to " + address.getHostAddress()
                    + ", a refused address: " + refusal.get());
        }
    }

    private Optional<String> refusalV4(byte[] bytes) {
        for (Block block : V4_ALWAYS) {
            if (block.contains(bytes)) {
                return Optional.of(block.label());
            }
        }
        if (!allowPrivate) {
            for (Block block : V4_PRIVATE) {
                if (block.contains(bytes)) {
                    return Optional.of(block.label());
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> refusalV6(byte[] bytes) {
        Optional<byte[]> embedded = embeddedV4(bytes);
        if (embedded.isPresent()) {
            return refusalV4(embedded.get()).map(reason -> "IPv4 embedded in IPv6: " + reason);
        }
        for (Block block : V6_ALWAYS) {
            if (block.contains(bytes)) {
                return Optional.of(block.label());
            }
        }
        for (Block block : V6_PRIVATE) {
            if (block.contains(bytes)) {
                return allowPrivate ? Optional.empty() : Optional.of(block.label());
            }
        }
        if (!V6_GLOBAL_UNICAST.contains(bytes)) {
            return Optional.of("reserved IPv6 address (outside 2000::/3)");
        }
        return Optional.empty();
    }

    /** The IPv4 address an IPv6 address carries: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), 6to4, NAT64. */
    private static Optional<byte[]> embeddedV4(byte[] v6) {
        boolean firstTenZero = Arrays.equals(v6, 0, 10, new byte[10], 0, 10);
        if (firstTenZero && (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff) {
            return Optional.of(Arrays.copyOfRange(v6, 12, 16));
        }
        boolean firstTwelveZero = firstTenZero && v6[10] == 0 && v6[11] == 0;
        boolean unspecifiedOrLoopback =
                firstTwelveZero && v6[12] == 0 && v6[13] == 0 && v6[14] == 0 && (v6[15] == 0 || v6[15] == 1);
        if (firstTwelveZero && !unspecifiedOrLoopback) {
            return Optional.of(Arrays.copyOfRange(v6, 12, 16));
        }
        if (V6_NAT64.contains(v6) || V6_NAT64_LOCAL.contains(v6)) {
            return Optional.of(Arrays.copyOfRange(v6, 12, 16));
        }
        if (V6_6TO4.contains(v6)) {
            return Optional.of(Arrays.copyOfRange(v6, 2, 6));
        }
        return Optional.empty();
    }

    /** A CIDR block with a human label. */
    private record Block(byte[] network, int prefixLength, String label) {

        static Block of(String literal, int prefixLength, String label) {
            try {
                // Only literals written in this file reach here, so no name lookup can happen.
                return new Block(InetAddress.getByName(literal).getAddress(), prefixLength, label);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(literal, e);
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixLength / 8;
            if (!Arrays.equals(address, 0, fullBytes, network, 0, fullBytes)) {
                return false;
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
