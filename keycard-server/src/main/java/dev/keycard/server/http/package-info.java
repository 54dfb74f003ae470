@NullMarked
package dev.keycard.server.http;

import org.jspecify.annotations.NullMarked;
