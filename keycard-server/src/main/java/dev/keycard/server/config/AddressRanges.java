package dev.keycard.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of IP addresses and CIDR ranges, such as {@code http.trusted-proxies}:
 * {@code 10.0.0.0/8, 192.168.1.7, fd00::/8}. Literal addresses only, never host names, so reading
 * it asks no DNS.
 */
public final class AddressRanges {

    private static final AddressRanges NONE = new AddressRanges(List.of(), "");
    private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private final List<Range> ranges;
    private final String text;

    private AddressRanges(List<Range> ranges, String text) {
        this.ranges = ranges;
        this.text = text;
    }

    public static AddressRanges none() {
        return NONE;
    }

    /**
     * Reads a comma-separated list; empty is none.
     *
     * @throws IllegalArgumentException naming the entry that is not an address or a range
     */
    public static AddressRanges parse(String list) {
        List<Range> ranges = new ArrayList<>();
        for (String raw : list.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash), entry);
            int bits = address.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has a bad prefix length");
                }
            }
            ranges.add(new Range(address, bits));
        }
        return ranges.isEmpty() ? NONE : new AddressRanges(List.copyOf(ranges), list.trim());
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} (a literal IP address) is in one of the ranges. */
    public boolean contains(String address) {
        if (ranges.isEmpty()) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = literal(address, address);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (Range r : ranges) {
            if (r.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * The IP address {@code text} names, as a proxy may write it in {@code X-Forwarded-For}:
     * {@code 192.0.2.7}, {@code 192.0.2.7:5678}, {@code 2001:db8::1} or {@code [2001:db8::1]:5678};
     * empty for anything else (a name is never looked up).
     */
    public static java.util.Optional<String> address(String text) {
        String a = text.trim();
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            a = end < 0 ? "" : a.substring(1, end);
        } else if (a.indexOf(':') >= 0 && a.indexOf(':') == a.lastIndexOf(':') && a.indexOf('.') >= 0) {
            a = a.substring(0, a.indexOf(':')); // IPv4 with a port
        }
        try {
            byte[] bytes = literal(a, a);
            return java.util.Optional.of(InetAddress.getByAddress(bytes).getHostAddress());
        } catch (IllegalArgumentException | UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }

    private static byte[] literal(String address, String entry) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        // An IPv6 literal, or four dotted numbers: InetAddress would read "1.2.3" as 1.2.0.3, and a
        // name would be looked up in DNS.
        boolean looksLiteral = (a.indexOf(':') >= 0 && IPV6.matcher(a).matches()) || IPV4.matcher(a).matches();
        if (!looksLiteral) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address or a CIDR range");
        }
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address or a CIDR range");
        }
    }

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
