package io.runflowkafka.sink.url;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    private final AddressPolicy strict = new AddressPolicy(false);
    private final AddressPolicy dev = new AddressPolicy(true);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "8.8.8.8",
                "104.18.2.3",
                "172.15.255.255",
                "172.32.0.0",
                "100.63.255.255",
                "100.128.0.0",
                "169.253.255.255",
                "192.167.255.255",
                "223.255.255.255",
                "2606:4700::1111",
                "2a00:1450:4001::200e",
                "::ffff:8.8.8.8"
            })
    void shouldAdmitPublicUnicastAddresses(String address) throws Exception {
        assertThat(strict.refusal(InetAddress.getByName(address))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.255.255.254",
                "10.0.0.0",
                "10.255.255.255",
                "172.16.0.0",
                "172.31.255.255",
                "192.168.0.0",
                "192.168.255.255",
                "100.64.0.0",
                "100.127.255.255",
                "169.254.0.1",
                "::1",
                "fe80::1",
                "febf::1",
                "fc00::1",
                "fdff::1",
                "fec0::1",
                "::ffff:10.0.0.1",
                "::ffff:127.0.0.1"
            })
    void shouldRefusePrivateAddressesUnlessAllowed(String address) throws Exception {
        InetAddress parsed = InetAddress.getByName(address);

        assertThat(strict.refusal(parsed)).isPresent();
        assertThat(dev.refusal(parsed)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0.0.0.0",
                "0.1.2.3",
                "169.254.169.254",
                "100.100.100.200",
                "168.63.129.16",
                "224.0.0.1",
                "239.255.255.250",
                "255.255.255.255",
                "240.0.0.1",
                "192.0.2.1",
                "198.51.100.1",
                "203.0.113.1",
                "198.18.0.1",
                "::",
                "ff02::1",
                "fd00:ec2::254",
                "2001:db8::1",
                "2001:0:4136:e378::1",
                "::ffff:169.254.169.254",
                "64:ff9b::a9fe:a9fe",
                "2002:a9fe:a9fe::1",
                "::0.0.0.2",
                "100::1",
                "3fff::1:0:0:0:0"
            })
    void shouldRefuseSpecialAddressesAlways(String address) throws Exception {
        InetAddress parsed = InetAddress.getByName(address);

        assertThat(strict.refusal(parsed)).isPresent();
        assertThat(dev.refusal(parsed))
                .as("even with private addresses allowed")
                .isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"::7f00:1", "64:ff9b::7f00:1", "64:ff9b:1::a00:1", "2002:7f00:1::1", "2002:c0a8:101::"})
    void shouldJudgeIpv6FormsByTheIpv4AddressTheyEmbed(String address) throws Exception {
        assertThat(strict.refusal(InetAddress.getByName(address)))
                .get()
                .asString()
                .contains("embedded");
    }
}
