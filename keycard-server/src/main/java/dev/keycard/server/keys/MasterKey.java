package dev.keycard.server.keys;

import dev.keycard.server.config.ConfigException;
import dev.keycard.server.config.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that encrypts signing keys at rest: AES-256-GCM with a fresh 96-bit nonce per value and
 * the key id as associated data, so a ciphertext moved to another row does not decrypt. The key
 * comes from configuration ({@code master-key}) or from a file created with mode 0600 on first start.
 */
public final class MasterKey {

    private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random;

    private MasterKey(byte[] key, SecureRandom random) {
        this.key = new SecretKeySpec(key, "AES");
        this.random = random;
    }

    /**
     * A key for another purpose, derived from this one (HMAC-SHA-256 of {@code purpose} under the
     * master key, as HKDF-Expand's first block, RFC 5869 §2.3): the same on every node that shares
     * the master key, and telling nothing about it.
     */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            mac.update(purpose.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(new byte[] {1});
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /**
     * The configured key, else the one in {@code file}, else a new one written there.
     *
     * @throws ConfigException when the configured or stored key is not base64 of 32 bytes
     */
    public static MasterKey load(Optional<String> configured, Path file, SecureRandom random) {
        if (configured.isPresent()) {
            return new MasterKey(decode(configured.get(), "master-key"), random);
        }
        try {
            if (Files.exists(file)) {
                warnIfReadableByOthers(file);
                return new MasterKey(decode(Files.readString(file, StandardCharsets.US_ASCII).trim(),
                        "master-key.file (" + file + ")"), random);
            }
            byte[] fresh = new byte[32];
            random.nextBytes(fresh);
            PrivateFiles.write(file, Base64.getEncoder().encodeToString(fresh) + "\n", false);
            LOG.info("created master key file {} (mode 0600); back it up: without it the signing keys are lost", file);
            return new MasterKey(fresh, random);
        } catch (FileAlreadyExistsException e) {
            return load(configured, file, random);
        } catch (IOException e) {
            throw new ConfigException("master-key.file: cannot read or create " + file + ": " + e.getMessage());
        }
    }

    /** Encrypts {@code plaintext}, bound to {@code associatedData}; base64 of nonce and ciphertext. */
    public String encrypt(String plaintext, String associatedData) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + ct.length)
                    .put(nonce).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts what {@link #encrypt} made with the same associated data.
     *
     * @throws GeneralSecurityException when the key is wrong or the value was altered
     */
    public String decrypt(String encrypted, String associatedData) throws GeneralSecurityException {
        byte[] all;
        try {
            all = Base64.getDecoder().decode(encrypted);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not base64");
        }
        if (all.length <= NONCE_BYTES) {
            throw new GeneralSecurityException("too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
        cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
        return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    }

    private static byte[] decode(String base64, String key) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": must be base64 of 32 random bytes (openssl rand -base64 32)");
        }
        if (bytes.length != 32) {
            throw new ConfigException(key + ": must be base64 of exactly 32 bytes, got " + bytes.length);
        }
        return bytes;
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("master key file {} is readable by group or others; chmod 600 it", file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        }
    }
}
