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
 * Files only their owner may read: the data directory (0700), the master key and the admin
 * credentials (0600). On a file system without POSIX permissions they are created plainly.
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

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> perms) {
        return PosixFilePermissions.asFileAttribute(perms);
    }
}
