@NullMarked
package dev.keycard.server.cli;

import org.jspecify.annotations.NullMarked;
