package io.runflowkafka.sink.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlPolicyTest {

    private static final Map<String, String[]> DNS = Map.of(
            "cdn.runflow.io", new String[] {"104.18.2.3"},
            "metadata.runflow.io", new String[] {"169.254.169.254"},
            "internal.runflow.io", new String[] {"10.1.2.3"},
            "mixed.runflow.io", new String[] {"104.18.2.3", "192.168.1.10"},
            "v6.runflow.io", new String[] {"2606:4700::6810:203"},
            "v6local.runflow.io", new String[] {"fd12:3456::1"},
            "localhost", new String[] {"127.0.0.1"});

    private static final UrlPolicy.NameResolver TABLE = host -> {
        String[] addresses = DNS.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] resolved = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            resolved[i] = InetAddress.getByName(addresses[i]);
        }
        return resolved;
    };

    private static UrlPolicy policy(boolean allowPrivate, String... hosts) {
        return new UrlPolicy(List.of(hosts), new AddressPolicy(allowPrivate), TABLE);
    }

    private final UrlPolicy production = policy(false, "cdn.runflow.io");

    @Test
    void shouldAcceptAnHttpsUrlOnTheAllowlistedCdn() throws Exception {
        CheckedUrl url = production.check("https://cdn.runflow.io/headshots/out_001.jpg?sig=abc#frag");

        assertThat(url.host()).isEqualTo("cdn.runflow.io");
        assertThat(url.port()).isEqualTo(443);
        assertThat(url.uri().toString()).isEqualTo("https://cdn.runflow.io/headshots/out_001.jpg?sig=abc");
        assertThat(url.redacted())
                .isEqualTo("https://cdn.runflow.io/headshots/out_001.jpg?…")
                .doesNotContain("sig=abc");
    }

    @Test
    void shouldCompareSchemeAndHostCaseInsensitively() throws Exception {
        assertThat(production.check("HTTPS://CDN.Runflow.IO:443/a.jpg").host()).isEqualTo("cdn.runflow.io");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://cdn.runflow.io/out_001.jpg",
                "file:///etc/passwd",
                "file://cdn.runflow.io/etc/passwd",
                "ftp://cdn.runflow.io/out_001.jpg",
                "gopher://cdn.runflow.io:70/_GET",
                "jar:https://cdn.runflow.io/a.jar!/x",
                "data:image/jpeg;base64,AAAA",
                "//cdn.runflow.io/out_001.jpg",
                "/headshots/out_001.jpg"
            })
    void shouldRefuseEverySchemeButHttps(String url) {
        assertThatThrownBy(() -> production.check(url)).isInstanceOf(UrlRefusedException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://user@cdn.runflow.io/out_001.jpg",
                "https://user:secret@cdn.runflow.io/out_001.jpg",
                "https://cdn.runflow.io@evil.example/out_001.jpg",
                "https://cdn.runflow.io:443@evil.example/out_001.jpg",
                "https://cdn.runflow.io%40evil.example/out_001.jpg",
                "https://cdn.runflow.io\\@evil.example/out_001.jpg",
                "https://evil.example#@cdn.runflow.io/out_001.jpg",
                "https://evil.example?@cdn.runflow.io/out_001.jpg"
            })
    void shouldRefuseUserInfoAndAuthorityTricks(String url) {
        assertThatThrownBy(() -> production.check(url)).isInstanceOf(UrlRefusedException.class);
    }

    @Test
    void shouldNotLeakUserInfoIntoTheReason() {
        assertThatThrownBy(() -> production.check("https://user:secret@cdn.runflow.io/a.jpg"))
                .hasMessageContaining("user-info")
                .hasMessageNotContaining("secret");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://evil.example/out_001.jpg",
                "https://cdn.runflow.io.evil.example/out_001.jpg",
                "https://evilcdn.runflow.io/out_001.jpg",
                "https://runflow.io/out_001.jpg",
                "https://cdn.runflow.io./out_001.jpg",
                "https://cdn.rúnflow.io/out_001.jpg",
                "https://xn--cdn-runflow-io/out_001.jpg",
                "https://cdn.runflow.io /out_001.jpg",
                "https://cdn.runflow.io/out 001.jpg",
                "https://cdn.runflow.io/out_001.jpg\r\nHost: evil"
            })
    void shouldRefuseHostsOffTheAllowlistAndMalformedUrls(String url) {
        assertThatThrownBy(() -> production.check(url)).isInstanceOf(UrlRefusedException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0177.0.0.1",
                "0x7f.0.0.1",
                "0x7f000001",
                "2130706433",
                "127.1",
                "017700000001",
                "127.0.0.01",
                "127.000.000.001",
                "256.0.0.1",
                "1.2.3",
                "1.2.3.4.5"
            })
    void shouldRefuseNonCanonicalNumericHostsEvenWhenAllowlisted(String host) {
        UrlPolicy permissive = policy(true, host);

        assertThatThrownBy(() -> permissive.check("https://" + host + "/a.jpg"))
                .isInstanceOf(UrlRefusedException.class)
                .hasMessageContaining(host);
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, loopback",
        "10.0.0.7, private",
        "172.16.5.4, private",
        "192.168.0.1, private",
        "169.254.1.1, link-local",
        "169.254.169.254, metadata",
        "0.0.0.0, unspecified",
        "100.64.0.1, shared"
    })
    void shouldRefuseAllowlistedIpv4LiteralsThatAreNotPublic(String address, String reason) {
        UrlPolicy literal = policy(false, address);

        assertThatThrownBy(() -> literal.check("https://" + address + "/a.jpg"))
                .isInstanceOf(UrlRefusedException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[::1]",
                "[0:0:0:0:0:0:0:1]",
                "[::]",
                "[::ffff:127.0.0.1]",
                "[::ffff:7f00:1]",
                "[::ffff:169.254.169.254]",
                "[::127.0.0.1]",
                "[fe80::1]",
                "[fc00::1]",
                "[fd12:3456::1]",
                "[fd00:ec2::254]",
                "[64:ff9b::7f00:1]",
                "[64:ff9b::a9fe:a9fe]",
                "[2002:7f00:1::1]",
                "[2002:c0a8:101::1]",
                "[2001::1]",
                "[ff02::1]",
                "[fec0::1]"
            })
    void shouldRefuseAllowlistedIpv6LiteralsThatAreNotPublic(String host) {
        UrlPolicy literal = policy(false, host);

        assertThatThrownBy(() -> literal.check("https://" + host + "/a.jpg")).isInstanceOf(UrlRefusedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[fe80::1%25eth0]", "[fe80::1%eth0]", "[::1%251]"})
    void shouldRefuseIpv6ZoneIds(String host) {
        UrlPolicy permissive = policy(true, host.replaceAll("%.*]", "]"));

        assertThatThrownBy(() -> permissive.check("https://" + host + "/a.jpg"))
                .isInstanceOf(UrlRefusedException.class);
    }

    @Test
    void shouldAcceptPublicIpLiteralsWhenAllowlisted() throws Exception {
        assertThat(policy(false, "104.18.2.3").check("https://104.18.2.3/a.jpg").host())
                .isEqualTo("104.18.2.3");
        assertThat(policy(false, "[2606:4700::1111]:8443")
                        .check("https://[2606:4700::1111]:8443/a.jpg")
                        .port())
                .isEqualTo(8443);
    }

    @Test
    void shouldAcceptLoopbackOnlyWhenPrivateAddressesAreAllowed() throws Exception {
        assertThat(policy(true, "127.0.0.1:9443")
                        .check("https://127.0.0.1:9443/a.jpg")
                        .port())
                .isEqualTo(9443);
        assertThat(policy(true, "localhost").resolve("localhost")).containsExactly(InetAddress.getByName("127.0.0.1"));
        assertThatThrownBy(() -> policy(false, "localhost").resolve("localhost"))
                .isInstanceOf(UrlRefusedException.class)
                .hasMessageContaining("loopback");
    }

    @Test
    void shouldRefuseTheMetadataAddressEvenWhenPrivateAddressesAreAllowed() {
        assertThatThrownBy(() -> policy(true, "169.254.169.254").check("https://169.254.169.254/latest/meta-data"))
                .isInstanceOf(UrlRefusedException.class)
                .hasMessageContaining("metadata");
        assertThatThrownBy(() -> policy(true, "metadata.runflow.io").resolve("metadata.runflow.io"))
                .isInstanceOf(UrlRefusedException.class)
                .hasMessageContaining("metadata");
    }

    @ParameterizedTest
    @CsvSource({
        "internal.runflow.io, private",
        "metadata.runflow.io, metadata",
        "mixed.runflow.io, private",
        "v6local.runflow.io, unique local"
    })
    void shouldRefuseNamesThatResolveToRefusedAddresses(String host, String reason) {
        UrlPolicy named = policy(false, host);

        assertThatThrownBy(() -> named.resolve(host))
                .isInstanceOf(UrlRefusedException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void shouldResolveAllowedNamesToTheirCheckedAddresses() throws Exception {
        assertThat(production.resolve("cdn.runflow.io")).containsExactly(InetAddress.getByName("104.18.2.3"));
        assertThat(policy(false, "v6.runflow.io").resolve("v6.runflow.io"))
                .containsExactly(InetAddress.getByName("2606:4700::6810:203"));
    }

    @Test
    void shouldRefuseToResolveHostsOffTheAllowlist() {
        assertThatThrownBy(() -> production.resolve("internal.runflow.io"))
                .isInstanceOf(UrlRefusedException.class)
                .hasMessageContaining("allowlist");
    }

    @Test
    void shouldReportAnUnknownNameAsUnknownRatherThanRefused() {
        UrlPolicy named = policy(false, "nowhere.runflow.io");

        assertThatThrownBy(() -> named.resolve("nowhere.runflow.io")).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void shouldMatchWildcardEntriesOnSubdomainsOnly() throws Exception {
        UrlPolicy wildcard = policy(false, "*.runflow.io");

        assertThat(wildcard.check("https://cdn-eu.runflow.io/a.jpg").host()).isEqualTo("cdn-eu.runflow.io");
        assertThat(wildcard.check("https://a.b.runflow.io/a.jpg").host()).isEqualTo("a.b.runflow.io");
        assertThatThrownBy(() -> wildcard.check("https://runflow.io/a.jpg")).isInstanceOf(UrlRefusedException.class);
        assertThatThrownBy(() -> wildcard.check("https://evilrunflow.io/a.jpg"))
                .isInstanceOf(UrlRefusedException.class);
    }

    @Test
    void shouldRefuseOverlongUrls() {
        String url = "https://cdn.runflow.io/" + "a".repeat(5000);

        assertThatThrownBy(() -> production.check(url)).hasMessageContaining("longer than");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://cdn.runflow.io:8443/a.jpg",
                "https://cdn.runflow.io:80/a.jpg",
                "https://cdn.runflow.io:22/",
                "https://img.cdn.runflow.io:8443/a.jpg"
            })
    void shouldRefuseAnAllowlistedHostOnAPortTheEntryDoesNotName(String url) {
        UrlPolicy policy = policy(false, "cdn.runflow.io", "*.cdn.runflow.io");

        assertThatThrownBy(() -> policy.check(url))
                .isInstanceOf(UrlRefusedException.class)
                .hasMessageContaining("port")
                .hasMessageContaining("443 only");
    }

    @Test
    void shouldAllowOnlyThePortAnEntryNames() throws Exception {
        UrlPolicy policy = policy(
                false, "cdn.runflow.io:8443", "*.img.runflow.io:9443", "[2606:4700::1111]:8443", "2606:4700::2222");

        assertThat(policy.check("https://cdn.runflow.io:8443/a.jpg").port()).isEqualTo(8443);
        assertThat(policy.check("https://x.img.runflow.io:9443/a.jpg").port()).isEqualTo(9443);
        assertThat(policy.check("https://[2606:4700::1111]:8443/a.jpg").port()).isEqualTo(8443);
        assertThat(policy.check("https://[2606:4700::2222]/a.jpg").port()).isEqualTo(443);
        for (String refused : List.of(
                "https://cdn.runflow.io/a.jpg",
                "https://cdn.runflow.io:443/a.jpg",
                "https://x.img.runflow.io/a.jpg",
                "https://[2606:4700::1111]/a.jpg",
                "https://[2606:4700::2222]:8443/a.jpg")) {
            assertThatThrownBy(() -> policy.check(refused)).as(refused).isInstanceOf(UrlRefusedException.class);
        }
        assertThat(policy.allowedHosts())
                .containsExactlyInAnyOrder(
                        "cdn.runflow.io:8443",
                        "*.img.runflow.io:9443",
                        "[2606:4700::1111]:8443",
                        "[2606:4700::2222]:443");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "cdn.runflow.io:",
                "cdn.runflow.io:0",
                "cdn.runflow.io:65536",
                "cdn.runflow.io:https",
                "cdn.runflow.io:+443",
                "[2606:4700::1111",
                "[2606:4700::1111]8443"
            })
    void shouldRefuseAnAllowlistEntryWithoutAValidPort(String entry) {
        assertThatThrownBy(() -> policy(false, entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(entry);
    }
}
