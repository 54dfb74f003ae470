package dev.keycard.server.keys;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.security.Security;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the JCA provider for signing. The AWS-LC provider (ACCP) signs ES256 16x and RS256 2.4x
 * faster than the JDK on our machine (floor.md), so it is registered first wherever its native
 * library loads; elsewhere the JDK's providers serve, and one log line says which is in use.
 */
public final class CryptoProviders {

    private static final Logger LOG = LoggerFactory.getLogger(CryptoProviders.class);

    private CryptoProviders() {
    }

    /**
     * Registers ACCP first when {@code preferNative} and it is healthy here.
     *
     * @return the provider to hand to signers and key factories, or empty for the JDK's defaults
     */
    public static synchronized Optional<Provider> install(boolean preferNative) {
        if (!preferNative) {
            LOG.info("crypto: JDK providers (crypto.provider=jdk)");
            return Optional.empty();
        }
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable error = accp.getLoadingError();
            if (error != null) {
                LOG.info("crypto: JDK providers (AWS-LC provider unavailable here: {})", error.toString());
                return Optional.empty();
            }
            accp.assertHealthy();
            if (Security.getProvider(accp.getName()) == null) {
                AmazonCorrettoCryptoProvider.install();
            }
            LOG.info("crypto: AWS-LC provider {} (AWS-LC {}) registered first", accp.getVersionStr(),
                    accp.getAwsLcVersionStr());
            return Optional.of(accp);
        } catch (RuntimeException | LinkageError e) {
            LOG.info("crypto: JDK providers (AWS-LC provider unavailable here: {})", e.toString());
            return Optional.empty();
        }
    }
}
