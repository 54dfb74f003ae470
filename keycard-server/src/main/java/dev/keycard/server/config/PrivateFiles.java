package dev.keycard.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read: the data directory (0700), the master key, the admin
 * credentials and the SQLite store (0600). On a file system without POSIX permissions they are
 * created plainly.
 */
public final class PrivateFiles {

    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates the directory and its missing parents, the new ones 0700. */
    public static void createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(abs, attribute(DIR));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(abs);
        } catch (FileAlreadyExistsException e) {
            // Made meanwhile by someone else: fine.
        }
    }

    /**
     * Creates {@code file} with mode 0600 and writes {@code content}.
     *
     * @throws FileAlreadyExistsException when it exists and {@code replace} is false
     */
    public static void write(Path file, String content, boolean replace) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        if (replace) {
            Files.deleteIfExists(file);
        }
        try {
            Files.createFile(file, attribute(FILE));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /**
     * Makes {@code file} private: created empty with mode 0600 when missing, narrowed to 0600 when
     * it exists with more. For the SQLite store, whose {@code -wal} and {@code -shm} files SQLite
     * creates with its database file's mode, whatever the umask.
     */
    public static void restrict(Path file) throws IOException {
        try {
            Files.createFile(file, attribute(FILE));
            return;
        } catch (FileAlreadyExistsException e) {
            // Narrowed below.
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions here
        }
        try {
            if (!Files.getPosixFilePermissions(file).equals(FILE)) {
                Files.setPosixFilePermissions(file, FILE);
            }
        } catch (UnsupportedOperationException e) {
            // no POSIX permissions here
        }
    }

    /**
     * The mode of {@code dir} when users other than its owner may read or enter it (e.g.
     * {@code rwxr-xr-x}); empty when only its owner may, or it does not exist, or the file system
     * has no POSIX permissions.
     */
    public static java.util.Optional<String> openToOthers(Path dir) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            for (PosixFilePermission p : perms) {
                if (!p.name().startsWith("OWNER_")) {
                    return java.util.Optional.of(PosixFilePermissions.toString(perms));
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not there, or no POSIX permissions: nothing to say.
        }
        return java.util.Optional.empty();
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> perms) {
        return PosixFilePermissions.asFileAttribute(perms);
    }
}
