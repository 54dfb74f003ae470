package dev.keycard.server.admin;

import dev.keycard.server.registry.TrustSource;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/** What trust sources and federated identities may be: the presets' defaults and the subjects each accepts. */
public final class TrustRules {

    /** GitHub Actions' OIDC issuer. */
    public static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
    /** A trust source's name. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");
    public static final String NAME_RULE = "must be 1 to 64 of a-z, 0-9, '.', '-', starting with a letter or digit";
    /** The longest token lifetime a trust source may accept. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(2);
    public static final int MAX_CLAIMS = 10;
    /** Kubernetes: {@code system:serviceaccount:<namespace>:<name>}, both DNS labels. */
    private static final Pattern KUBERNETES_SUBJECT = Pattern.compile(
            "system:serviceaccount:([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-.a-z0-9]*[a-z0-9])?)");
    /** A SPIFFE trust domain: lowercase letters, digits, '.', '-', '_'. */
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");

    private TrustRules() {
    }

    /**
     * How long after its issue each preset accepts a token by default: Kubernetes projects tokens
     * for an hour and replaces them at 80 % of that; a GitHub workflow asks for its token right
     * before using it (GitHub sets exp hours ahead); SPIRE's JWT-SVIDs live five minutes.
     */
    public static Duration defaultLifetime(TrustSource.Kind kind) {
        return switch (kind) {
            case GITHUB_ACTIONS -> Duration.ofMinutes(15);
            case SPIFFE -> Duration.ofMinutes(30);
            case KUBERNETES, OIDC -> Duration.ofHours(1);
        };
    }

    /** {@code spiffe://<trust domain>} from a trust domain given with or without the scheme, if it is one. */
    public static Optional<String> spiffeIssuer(String trustDomain) {
        String td = trustDomain.startsWith("spiffe://") ? trustDomain.substring("spiffe://".length()) : trustDomain;
        return TRUST_DOMAIN.matcher(td).matches() ? Optional.of("spiffe://" + td) : Optional.empty();
    }

    /** What is wrong with {@code subject} as a subject of {@code source}, if anything. */
    public static Optional<String> subjectProblem(TrustSource source, String subject, boolean force) {
        if (subject.isEmpty() || subject.length() > 1024 || !subject.chars().allMatch(ch -> ch >= 0x21 && ch < 0x7f)) {
            return Optional.of("must be 1 to 1024 printable ASCII characters without spaces");
        }
        switch (source.kind()) {
            case KUBERNETES -> {
                var m = KUBERNETES_SUBJECT.matcher(subject);
                if (!m.matches()) {
                    return Optional.of("must be system:serviceaccount:<namespace>:<service account>");
                }
                if (m.group(3).equals("default") && !force) {
                    return Optional.of("is a namespace's default service account, which every pod there runs as"
                            + " unless told otherwise: give the workload its own service account (or force)");
                }
            }
            case SPIFFE -> {
                if (!subject.startsWith(source.issuer() + "/") || subject.length() == source.issuer().length() + 1) {
                    return Optional.of("must be a SPIFFE ID of the trust domain: " + source.issuer() + "/<path>");
                }
            }
            case GITHUB_ACTIONS -> {
                if (!subject.startsWith("repo:")) {
                    return Optional.of("must be a GitHub Actions subject: repo:<owner>/<repo>:<context>");
                }
            }
            case OIDC -> { }
        }
        return Optional.empty();
    }
}
