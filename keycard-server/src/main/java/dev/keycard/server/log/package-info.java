/**
 * Where log records go: Logback, configured in code ({@link dev.keycard.server.log.Logging}), to
 * standard error as text lines or JSON lines ({@code log.format}). Keycard's own loggers at
 * {@code log.level}, the libraries' at warn, the audit log always.
 */
@NullMarked
package dev.keycard.server.log;

import org.jspecify.annotations.NullMarked;
