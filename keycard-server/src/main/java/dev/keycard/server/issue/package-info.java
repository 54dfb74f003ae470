@NullMarked
package dev.keycard.server.issue;

import org.jspecify.annotations.NullMarked;
